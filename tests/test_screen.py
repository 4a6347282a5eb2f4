"""Screener: candidates from the index, scores from the scorer, hits with legal effects."""

from __future__ import annotations

import pytest

from clearance.index import build_index
from clearance.model import Entity, Listing, Query
from clearance.reference import effect_info
from clearance.screen import Screener
from tests.index.standin import StandInScorer


def listed(sid: str, schema: str, names: list[str], listings: list[Listing]) -> Entity:
    entity = Entity(source="test", source_id=sid, schema=schema)
    for value in names:
        entity.add_name(value)
    entity.listings.extend(listings)
    return entity


SDN = Listing(list="SDN", effect="blocking", programs=("SDGT",))
EL = Listing(list="EL", effect="entity-list-licence", programs=("EAR",))
ENTITIES = [
    listed("1", "Company", ["Hangzhou Hikvision Digital Technology", "海康威视"], [EL, SDN]),
    listed("2", "Person", ["Muammar Qaddafi"], [SDN]),
    listed("3", "Company", ["Hikvision Trading"], [EL]),
    *(listed(f"x{i}", "Person", [f"Someone{i} Else{i}"], [SDN]) for i in range(50)),
]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(build_index(ENTITIES, "s1"), StandInScorer(threshold=0.8))


def test_hit_carries_lists_programs_and_effects(screener: Screener) -> None:
    hits = screener.search(Query(name="Hangzhou Hikvision Digital Technology"))
    data = hits[0].to_dict()
    assert data["entity_id"] == "test:1" and data["source_id"] == "1"
    # lists in the one order of data/lists.yaml, whatever the order of the listings
    assert data["lists"] == ["SDN", "EL"] and data["programs"] == ["EAR", "SDGT"]
    assert data["effects"] == [
        {"code": "entity-list-licence", "label": effect_info("entity-list-licence").label},
        {"code": "blocking", "label": effect_info("blocking").label},
    ]
    assert data["effect"] == data["effects"][0]
    assert data["match"] is True and data["score"] == pytest.approx(1.0)
    assert data["explanation"][0]["name"] == "name"


def test_hits_are_sorted_and_cut_by_threshold(screener: Screener) -> None:
    hits = screener.search(Query(name="Hikvision"), threshold=0.3)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and len(hits) >= 2
    assert all(h.score >= 0.3 for h in hits)
    strict = screener.search(Query(name="Hikvision Trading"), threshold=0.99)
    assert [h.entity.id for h in strict] == ["test:3"]


def test_limit_and_sources(screener: Screener) -> None:
    assert len(screener.search(Query(name="Hikvision"), threshold=0.1, limit=1)) == 1
    assert screener.search(Query(name="Muammar Qaddafi"), sources=["elsewhere"]) == []


def test_aliases_of_the_query_are_searched(screener: Screener) -> None:
    query = Query(name="Unknown Person", aliases=("Moammar Qadhafi",))
    assert [h.entity.id for h in screener.search(query)] == ["test:2"]


def test_screen_yields_one_list_per_query_in_order(screener: Screener) -> None:
    queries = [Query(name="Muammar Qaddafi"), Query(name="Nobody Here"), Query(name="海康威视")]
    results = list(screener.screen(queries))
    assert [[h.entity.id for h in r][:1] for r in results] == [["test:2"], [], ["test:1"]]


def test_a_batch_reads_every_row_for_the_day_it_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that passes midnight does not change the lists it reads halfway: listings that
    end on the day the run started are in force for every row of it."""
    from clearance.screen_batch import BatchOptions, run_batch

    days = iter(["2026-12-31"] + ["2027-01-01"] * 100)

    def clock() -> str:
        return next(days)

    monkeypatch.setattr("clearance.screen.today", clock)
    monkeypatch.setattr("clearance.screen_batch.today", clock, raising=False)
    ending = Listing(list="SDN", effect="blocking", programs=("SDGT",), end="2026-12-31")
    names = ["Alpha Omega", "Bravo Sierra", "Charlie Tango"]
    ending_entities = [listed(f"e{i}", "Person", [n], [ending]) for i, n in enumerate(names)]
    index = build_index([*ending_entities, *ENTITIES], "s2")
    screener = Screener(index, StandInScorer(threshold=0.8))
    results = list(run_batch(screener, [{"name": n} for n in names], BatchOptions()))
    assert [[m["entity_id"] for m in r.matches] for r in results] == [
        [f"test:e{i}"] for i in range(3)
    ]
