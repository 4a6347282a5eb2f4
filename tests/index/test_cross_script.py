"""Retrieval finds what the scorer would match: names in Arabic and Hebrew script against Latin
listings, and listed names with a parenthetical part."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clearance.index import IndexSearcher, build_index
from clearance.index.keys import (
    folded_skeleton_key,
    geresh_reading,
    kana_readings,
    katakana,
    short_skeleton_key,
)
from clearance.index.search import query_forms, query_lookups
from clearance.match.scorer import Matcher
from clearance.model import Entity, Listing, Query
from clearance.sources import get_source
from clearance.text.keys import listed_names


@pytest.fixture(scope="module")
def sdn_un(shared_data: Path) -> IndexSearcher:
    entities: list[Entity] = []
    sdn = get_source("us-ofac-sdn").read(shared_data / "ofac" / "sdn-2023-12-28")
    un = get_source("un-sc").read(shared_data / "un" / "consolidated-2026-02-27.xml")
    entities.extend(sdn.entities)
    entities.extend(un.entities)
    return IndexSearcher(build_index(entities, "sdn-un"))


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("صدام حسين التكريتي", "us-ofac-sdn:7843"),
        ("أسامة بن لادن", "us-ofac-sdn:6365"),
        ("أيمن محمد ربيع الظواهري", "us-ofac-sdn:2676"),
    ],
)
def test_arabic_script_queries_find_latin_listings(
    sdn_un: IndexSearcher, query: str, expected: str
) -> None:
    # the UN list has these people's names in Arabic script: exact matches there must not
    # crowd out the SDN list's Latin names, with or without a source filter
    assert expected in [c.entity_id for c in sdn_un.candidates([query])]
    assert expected in [c.entity_id for c in sdn_un.candidates([query], sources=["us-ofac-sdn"])]
    entity = sdn_un.data.entity(sdn_un.data.entity_ids.index(expected))
    assert Matcher().score(Query(query, schema="Person"), entity).match


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # a word whose consonant skeleton is one letter (آغا, اغ: Agha, ag)
        ("محمد آغا احمدی", "us-ofac-sdn:38318"),
        ("علي آغا احمدی", "us-ofac-sdn:37959"),
        ("اياد اغ غالي", "us-ofac-sdn:15832"),
        ("باه اغ موسى", "un-sc:QDi.424"),
        # Hebrew writing an Arabic kh with a geresh (ח')
        ("ח'אן סעיד", "us-ofac-sdn:17367"),
        ("מח'תאר חאמד שאה", "us-ofac-sdn:23277"),
        ("עלי חסן ח'ליל", "us-ofac-sdn:28572"),
        ("סיד אלחביב אחמד ח'אן", "us-ofac-sdn:27968"),
        ("מחמד אע'א אחמדי", "us-ofac-sdn:38318"),  # (ע' for غ, gh)
        # the same consonant skeletons as the Latin name, and no reading of it in common
        ("יחיא חקאני", "us-ofac-sdn:16518"),
        ("סיד וזיר שאה", "us-ofac-sdn:13172"),
        # foreign names written in Hangul syllable by syllable
        ("다히야신앟맏", "us-ofac-sdn:20949"),
        ("반도하지", "us-ofac-sdn:12019"),
    ],
)
def test_listed_people_written_in_other_scripts_are_found(
    sdn_un: IndexSearcher, query: str, expected: str
) -> None:
    # (names of the cross-script recall benchmark that the scorer passes and retrieval missed)
    entity = sdn_un.data.entity(sdn_un.data.entity_ids.index(expected))
    assert Matcher().score(Query(query, schema="Person"), entity).match
    assert expected in [c.entity_id for c in sdn_un.candidates([query], schema="Person")]


def test_a_word_with_a_one_letter_skeleton_has_a_key_of_its_first_letter_and_consonant() -> None:
    assert short_skeleton_key("agha") == short_skeleton_key("ag") == short_skeleton_key("agh")
    assert short_skeleton_key("yahya") == short_skeleton_key("yhy")
    assert short_skeleton_key("yahya") != short_skeleton_key("haya")
    assert short_skeleton_key("agha") != short_skeleton_key("gaga")
    assert short_skeleton_key("ahmad") is None  # it has a skeleton key ("hmd")
    assert short_skeleton_key("a") is None


def test_a_hebrew_geresh_letter_is_read_as_the_arabic_sound_it_writes() -> None:
    assert geresh_reading("ח'אן") == "ך'אן"
    assert query_forms("ח'אן", "Person") == [("hn",), ("khn",)]
    assert query_forms("מח׳תאר", "Person") == [("mhtr",), ("mkhtr",)]
    # read as the query's kind: as an organisation's, "ag" would be a legal form (AG)
    assert query_forms("מחמד אע'א אחמדי", "Person") == [
        ("mhmd", "a", "ahmdy"),
        ("mhmd", "ag", "ahmdy"),
    ]
    assert geresh_reading("חאן") is None  # no geresh: a het is an h
    assert geresh_reading("Khan") is None


def _person(sid: str, *names: str) -> Entity:
    entity = Entity(source="x", source_id=sid, schema="Person")
    for value in names:
        entity.add_name(value)
    return entity


def test_one_letter_skeletons_and_geresh_letters_rank_the_listed_name_first() -> None:
    # others sharing the query's other words outrank the listed person when "agh" and "hn"
    # stand for nothing
    listed = [_person("agha", "AGHA AHMADI, Mohammad"), _person("khan", "SAID, Khan")]
    others = [_person(f"m{i}", "MOHAMMAD AHMADI") for i in range(5)]
    others += [_person(f"s{i}", f"Said {w}ani") for i, w in enumerate("BCDFGLMNPR")]
    fillers = [_person(f"f{i}", f"Filler{i} Person{i % 7}") for i in range(100)]
    searcher = IndexSearcher(build_index([*listed, *others, *fillers], "short"))
    found = searcher.candidates(["محمد آغا احمدی"], schema="Person", limit=3)
    assert "x:agha" in [c.entity_id for c in found]
    found = searcher.candidates(["ח'אן סעיד"], schema="Person", limit=3)
    assert "x:khan" in [c.entity_id for c in found]


def _entity(sid: str, *names: str) -> Entity:
    entity = Entity(source="x", source_id=sid, schema="Company")
    for value in names:
        entity.add_name(value)
    entity.listings.append(Listing(list="SDN", effect="blocking", programs=("DPRK",)))
    return entity


def test_a_parenthetical_part_is_an_alias_and_the_name_without_it_another_name() -> None:
    assert listed_names([("KOREA KWANGSON BANKING CORPORATION (KKBC)", "name")]) == [
        ("KOREA KWANGSON BANKING CORPORATION (KKBC)", "name"),
        ("KOREA KWANGSON BANKING CORPORATION", "name"),
        ("KKBC", "weakAlias"),
    ]
    # a long parenthetical part is a remark, not a name
    assert listed_names([("HANIFA EXCHANGE (BRANCH LOCATED IN ALBU KAMAL, SYRIA)", "name")]) == [
        ("HANIFA EXCHANGE (BRANCH LOCATED IN ALBU KAMAL, SYRIA)", "name"),
        ("HANIFA EXCHANGE", "name"),
    ]


def test_a_name_written_without_its_parenthetical_part_is_found_and_matches() -> None:
    listed = _entity(
        "1", "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
    )
    others = [_entity(f"f{i}", f"Filler{i} Trading{i % 7} Company") for i in range(100)]
    searcher = IndexSearcher(build_index([listed, *others], "paren"))
    query = "China Electronics Technology Group Corporation 13th Research Institute"
    assert [c.entity_id for c in searcher.candidates([query])][:1] == ["x:1"]
    assert Matcher().score(Query(query, schema="Company"), listed).score == 1.0
    assert "x:1" in [c.entity_id for c in searcher.candidates(["CETC 13"])]


def test_an_abjad_name_passes_the_text_check_with_the_same_skeletons_word_for_word() -> None:
    listed = [
        _person("yahya", "HAQQANI, Yahya"),
        _person("siraj", "HAQQANI, Sirajuddin"),
        _person("wazir", "SHAH, Sayed Wazir"),
    ]
    searcher = IndexSearcher(build_index(listed, "skeletons"))
    rows = np.arange(len(listed), dtype=np.int32)
    # no reading of the Latin names in common (sounds "yhy KN" / "HKN YY")
    assert searcher.passes_text(["יחיא חקאני"], "Person", rows).tolist() == [True, False, False]
    assert searcher.passes_text(["סיד וזיר שאה"], "Person", rows).tolist() == [False, False, True]
    # ...and a Latin query is not read by skeletons
    assert searcher.passes_text(["Yhy Hkny"], "Person", rows).tolist() == [False, False, False]


def test_a_hangul_name_is_ranked_by_its_syllables_joined_where_they_are_words() -> None:
    listed = _person("dahi", "DAHI, Yasin Ahmad")
    # names whose syllables the query shares one by one ("da", "hi", "ya", "sin")
    others = [_person(f"c{i}", f"{a} {b}") for i, (a, b) in enumerate(
        [("Da Wei", "Hi"), ("Ya Sin", "Li"), ("Mad Da", "Ah"), ("Hi Ya", "Sin")] * 3
    )]  # fmt: skip
    fillers = [_person(f"f{i}", f"Filler{i} Person{i % 7}") for i in range(100)]
    searcher = IndexSearcher(build_index([listed, *others, *fillers], "hangul"))
    query = "다히야신앟맏"  # da hi ya sin ah mad
    forms, lookups = query_lookups([query], "Person")
    readings = searcher.syllable_readings(forms, lookups)
    assert len(readings) == 1
    weight, groups = readings[0]
    assert sorted(lookups[g][1] for g in groups) == ["ahmad", "dahi", "yasin"]
    assert weight in searcher.form_weights([query], "Person")  # (the monitor's bound)
    found = searcher.candidates([query], schema="Person", limit=3)
    assert found[0].entity_id == "x:dahi"
    assert found[0].rank > 0.9
    # a Latin name is not read so, nor a Hangul one whose joined syllables are no word
    assert searcher.syllable_readings(*query_lookups(["Da Hi Ya Sin"], "Person")) == []
    assert searcher.syllable_readings(*query_lookups(["김정은"], "Person")) == []


def test_a_katakana_name_is_also_read_without_the_vowels_katakana_adds() -> None:
    assert kana_readings(("isumaeru",)) == [("ismaer",), ("ismael",)]
    # (not the vowel of a first syllable: "mu" of Mustafa is the name's)
    assert kana_readings(("musutafa",)) == [("mustafa",)]
    assert query_forms("イスマエル・イスマエル", "Person")[-1] == ("ismael", "ismael")
    # a name in kanji, or with kana of another kind, is read as it is
    assert not katakana("山田太郎")
    assert all("ismael" not in toks for toks in query_forms("いすまえる", "Person"))


def test_a_foreign_name_in_katakana_finds_its_latin_listing() -> None:
    listed = _person("ismael", "ISMAEL, Ismael")
    others = [_person(f"i{i}", f"Isa {w}") for i, w in enumerate(["Maer", "Suma", "Eru"])]
    fillers = [_person(f"f{i}", f"Filler{i} Person{i % 7}") for i in range(100)]
    searcher = IndexSearcher(build_index([listed, *others, *fillers], "kana"))
    query = "イスマエル・イスマエル"  # i-su-ma-e-ru
    found = searcher.candidates([query], schema="Person", limit=3)
    assert [c.entity_id for c in found][:1] == ["x:ismael"]
    assert Matcher().score(Query(query, schema="Person"), listed).match


def test_a_cyrillic_word_has_a_skeleton_key_with_its_kh_read_as_the_arabic_h() -> None:
    # Russian writes the Arabic h with х ("kh"); the skeleton folds its в (v) with w already
    assert folded_skeleton_key("vakhbi") == "^bhb"  # as Wahbi and Wehbe
    assert folded_skeleton_key("wahbi") is None  # no kh: its own skeleton key
    assert folded_skeleton_key("kh") is None


def test_an_arabic_name_in_cyrillic_letters_finds_its_latin_listing() -> None:
    listed = _person("wehbe", "WEHBE, Mohamad")
    # others sharing the query's first word, some of them closer in spelling
    others = [_person(f"m{i}", f"Mokhamad {w}") for i, w in enumerate(["Vakhidov", "Bakiev"])]
    others += [_person(f"n{i}", f"Mohamad {w}") for i, w in enumerate(["Nasser", "Saleh"])]
    fillers = [_person(f"f{i}", f"Filler{i} Person{i % 7}") for i in range(100)]
    searcher = IndexSearcher(build_index([listed, *others, *fillers], "cyrillic"))
    query = "мохамад вахби"  # "mokhamad vakhbi"
    found = searcher.candidates([query], schema="Person", limit=3)
    assert [c.entity_id for c in found][:1] == ["x:wehbe"]


def test_a_second_reading_of_a_name_in_an_abjad_looks_its_shared_words_up_once() -> None:
    # ظاهر الدين حقانى is also read with ظ as z: "al", "dyn" and "hqna" are the same words in
    # both readings, and a listed name with them (Shamsuddin Haqqani) would otherwise gain
    # twice for each, and crowd out Zahiruddin Haqqani
    forms, lookups = query_lookups(["ظاهر الدين حقانى"], "Person")
    assert len(forms) == 2
    tokens = [token for _, token, _ in lookups]
    assert len(tokens) == len(set(tokens))
    assert {"dhhr", "zhr"} <= set(tokens)
