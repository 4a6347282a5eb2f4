"""Screening quality, table-driven: the §889 companies in Latin and Chinese script are found
with their lists and legal effects, unlisted manufacturers are not; perturbed names of UN-listed
people are found, unlisted people do not alert (real UN list, skipped without shared data)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from clearance.catalog import import_dataset, open_store
from clearance.model import Query
from clearance.reference import effect_info
from clearance.screen import Screener
from clearance.settings import Settings
from clearance.sources import get_source
from tests.screen_eval import company_cases, listed_person_queries, negative_queries


@pytest.fixture(scope="module")
def bundled_screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """A store holding only the bundled statutory lists (no shared data needed)."""
    return Screener.open(Settings(home=tmp_path_factory.mktemp("bundled")))


CASES = company_cases()


@pytest.mark.parametrize("case", [pytest.param(c, id=c["query"]) for c in CASES])
def test_company_case(bundled_screener: Screener, case: dict[str, str]) -> None:
    hits = bundled_screener.search(Query(name=case["query"], schema=case["schema"]))
    if not case["expect_list"]:
        assert [h.entity.caption for h in hits] == []
        return
    listed = [h for h in hits if case["expect_list"] in h.to_dict()["lists"]]
    assert listed, f"{case['query']} not found on {case['expect_list']}"
    data = listed[0].to_dict()
    listing = next(x for x in listed[0].entity.listings if x.list == case["expect_list"])
    assert {"code": listing.effect, "label": effect_info(listing.effect).label} in data["effects"]
    assert data["match"] and data["score"] >= bundled_screener.scorer.threshold


@pytest.fixture(scope="module")
def un_screener(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Screener:
    settings = Settings(home=tmp_path_factory.mktemp("un"))
    with open_store(settings) as store:
        source = get_source("un-sc")
        import_dataset(store, source.read(shared_data / "un" / "consolidated-2026-02-27.xml"))
    return Screener.open(settings)


@pytest.mark.realdata
def test_perturbed_un_people_are_found(un_screener: Screener) -> None:
    entities = [un_screener.index.entity(i) for i in range(un_screener.index.size)]
    sample = random.Random(3).sample([e for e in entities if e.source == "un-sc"], 250)
    queries = list(listed_person_queries(sample, seed=3))
    found = sum(
        expected in {h.entity.id for h in un_screener.search(query)}
        for query, expected, _ in queries
    )
    assert found / len(queries) >= 0.99


@pytest.mark.realdata
def test_unlisted_people_rarely_alert(un_screener: Screener, shared_data: Path) -> None:
    path = shared_data / "eval" / "negatives_us_1k.csv"
    queries = list(negative_queries(path))[:300]
    alerts = [q.name for q in queries if un_screener.search(q)]
    assert len(alerts) <= 1, alerts
