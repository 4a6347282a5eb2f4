"""Whole-name readings across scripts (clearance.match.crossscript)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.match.crossscript import vowels_conflict


@given(st.text(alphabet="bcdfghjklmnpqrstwxyzaeiou", max_size=16))
def test_a_name_never_conflicts_with_itself(name: str) -> None:
    assert not vowels_conflict(name, name)


def test_front_against_back_vowel_after_one_consonant() -> None:
    assert vowels_conflict("dansimute", "dawnsmith")  # mu / mi
    assert not vowels_conflict("dansimute", "dansmoot")
    # pinyin si stands for a bare s, xu for a front vowel: neither is a back or front vowel
    assert not vowels_conflict("simu", "sumu")
    assert not vowels_conflict("xu", "xi")
