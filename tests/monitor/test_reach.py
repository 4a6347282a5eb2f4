"""The reverse lookup over the book misses no party a row can reach, and its rank bound is never
below the rank the party's own search gives the row: checked against ``rank_rows`` on generated
names (every run) and on real listed and unlisted names (with ../shared/data)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.index import IndexSearcher, build_index
from clearance.index.build import IndexData
from clearance.model import Entity, Listing, Query
from clearance.monitor import reach
from clearance.monitor.drift import row_keys
from clearance.monitor.screening import MONITOR_PARAMS

WORDS = ["mohammad", "muhammad", "ali", "hassan", "hasan", "petrov", "petrova", "ivanov",
         "trading", "shipping", "golden", "lantern", "blue", "harbor", "harbour", "bluestar",
         "electronics", "sidorov", "omar", "umar", "zhang", "wei", "kim", "jong", "nord",
         "vektor", "nordvektor", "alexander", "aleksandr", "sergei", "sergey"]  # fmt: skip


def check(index: IndexData, parties: list[tuple[str, Query]], rows_each: int = 40) -> int:
    """For every party and row of its search's ranking: the party is found from the row's keys
    with a bound at least the rank. Returns the pairs checked."""
    book = reach.build(parties, MONITOR_PARAMS)
    searcher = IndexSearcher(index, MONITOR_PARAMS)
    checked = 0
    rng = random.Random(5)
    for position, (_reference, query) in enumerate(parties):
        names = [query.name, *query.aliases]
        rows, rank = searcher.rank_rows(names, query.schema)
        floor = min(searcher.form_weights(names, query.schema))
        order = np.argsort(-rank)[:rows_each].tolist()
        picked = order + rng.sample(range(len(rows)), min(rows_each, len(rows)))
        for i in picked:
            row, value = int(rows[i]), float(rank[i])
            found, gained = book.gains(book.token_weights(row_keys(index, row)))
            hit = np.flatnonzero(found == position)
            assert len(hit), (query.name, index.name_text[row], value)
            bound = min(1.0, float(gained[hit[0]]) / floor)
            assert bound >= value - 1e-9, (query.name, index.name_text[row], value, bound)
            checked += 1
    return checked


def _entity(n: int, name: str, schema: str = "Person") -> Entity:
    entity = Entity("s", str(n), schema)
    entity.add_name(name)
    entity.listings.append(Listing("SDN", "blocking"))
    return entity


names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=25)
@given(
    listed=st.lists(names, min_size=5, max_size=40),
    book=st.lists(st.tuples(names, st.sampled_from(["Person", "Company", "LegalEntity"])),
                  min_size=1, max_size=15),
)  # fmt: skip
def test_the_bound_holds_on_generated_names(listed: list[str], book: list[tuple[str, str]]) -> None:
    index = build_index([_entity(n, name) for n, name in enumerate(listed)])
    parties = [(f"p{n}", Query(name, schema)) for n, (name, schema) in enumerate(book)]
    check(index, parties, rows_each=10)


@pytest.mark.realdata
@pytest.mark.slow
def test_the_bound_holds_on_real_names(shared_data: Path) -> None:
    ofac = pytest.importorskip("clearance.sources.ofac")
    dataset = ofac.SdnSource().read(shared_data / "ofac" / "sdn-2023-12-28")
    index = build_index(dataset.entities)
    rng = random.Random(11)
    parties: list[tuple[str, Query]] = []
    with (shared_data / "eval" / "negatives_global_1k.csv").open(encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            if n < 120:
                parties.append((f"neg-{n}", Query(row["full_name"], "Person")))
    for n, entity in enumerate(rng.sample(dataset.entities, 120)):
        words = entity.caption.replace(",", " ").split()
        rng.shuffle(words)
        if len(words) > 2:
            words.pop()
        parties.append((f"listed-{n}", Query(" ".join(words), entity.schema)))
    assert check(index, parties) > 5_000
