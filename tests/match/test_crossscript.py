"""Whole-name readings across scripts (clearance.match.crossscript)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.match.crossscript import transcription_keys, vowels_conflict


@given(st.text(alphabet="bcdfghjklmnpqrstwxyzaeiou", max_size=16))
def test_a_name_never_conflicts_with_itself(name: str) -> None:
    assert not vowels_conflict(name, name)


def test_front_against_back_vowel_after_one_consonant() -> None:
    assert vowels_conflict("dansimute", "dawnsmith")  # mu / mi
    assert not vowels_conflict("dansimute", "dansmoot")
    # pinyin si stands for a bare s, xu for a front vowel: neither is a back or front vowel
    assert not vowels_conflict("simu", "sumu")
    assert not vowels_conflict("xu", "xi")


def test_transcription_keys_are_consonant_classes_with_and_without_codas() -> None:
    # 马丁松: d is the unaspirated t, ng a nasal; Martinson: its r ends a syllable
    assert transcription_keys("madingsong", True, True) == ("mtnsn",)
    assert "mtnsn" in transcription_keys("martinson", False)
    # pinyin j (基) is a k; Korean j (ㅈ) the z of a Latin name
    assert transcription_keys("jialinsiji", True, True) == ("krnsk",)
    assert transcription_keys("jialinsiji", True) == ("srns",)


def test_a_short_transcription_key_is_no_evidence() -> None:
    # three consonant classes (ミンク m-n-k) are shared by too many unrelated names (Moennig)
    assert transcription_keys("minku", True) == ()
    assert transcription_keys("moennig", False) == ()


def test_a_slavic_final_ic_is_a_sibilant_only_at_the_end() -> None:
    assert transcription_keys("rotkovic", False) == ("rtkbs",)
    # the first c of Icardic is a k, the last ends the name: a sibilant
    assert transcription_keys("icardic", False) == ("-krts",)
