"""Retrieval finds what the scorer would match: names in Arabic script against Latin listings,
and listed names with a parenthetical part."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.index import IndexSearcher, build_index
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
