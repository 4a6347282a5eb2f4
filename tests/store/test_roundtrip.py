"""Property tests: whatever entities go in come back out, and diffs agree with the pure logic."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.catalog import import_dataset
from clearance.diff import diff_entities
from clearance.model import NAME_KINDS, SCHEMATA, Entity, Listing, Name
from clearance.settings import Settings
from clearance.sources.base import Dataset, Gates
from clearance.store import Store
from tests.pgserver import PostgresServer
from tests.store.fakesource import FAKE_ID, FakeSource


class AnySizeSource(FakeSource):
    gates = Gates(min_entities=0, max_shrink=1.0)


texts = st.text(min_size=1, max_size=12).filter(lambda s: s.split())
names = st.builds(Name.make, texts, st.sampled_from(NAME_KINDS))
listings = st.builds(
    Listing,
    list=st.sampled_from(["SDN", "EL", "CMIC"]),
    effect=st.sampled_from(["blocking", "entity-list-licence"]),
    programs=st.lists(texts, max_size=2).map(tuple),
    start=st.sampled_from(["", "2020-01-02"]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)


@st.composite
def entities(draw: st.DrawFn, source_id: str) -> Entity:
    return Entity(
        source=FAKE_ID,
        source_id=source_id,
        schema=draw(st.sampled_from(SCHEMATA)),
        names=draw(st.lists(names, min_size=1, max_size=3)),
        properties=draw(
            st.dictionaries(
                st.sampled_from(["country", "birthDate", "idNumber", "notes"]),
                st.lists(texts, min_size=1, max_size=3),
                max_size=3,
            )
        ),
        listings=draw(st.lists(listings, max_size=2)),
        record=draw(st.dictionaries(st.text(max_size=6), json_values, max_size=4)),
    )


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Entity]:
    ids = draw(st.sets(st.sampled_from([f"K{i}" for i in range(12)]), max_size=8))
    out = [draw(entities(source_id)) for source_id in sorted(ids)]
    return {e.id: e for e in out}


def _dataset(entities_by_id: dict[str, Entity], tag: str) -> Dataset:
    return Dataset(
        source=FAKE_ID,
        entities=list(entities_by_id.values()),
        format="fake-csv",
        content_hash=tag,
    )


def _round_trip(config: Settings, first: dict[str, Entity], second: dict[str, Entity]) -> None:
    source = AnySizeSource()
    with Store.open(config) as store:
        v1 = import_dataset(store, _dataset(first, "a"), source=source)
        assert {e.id: e for e in store.iter_entities()} == first
        for entity_id, entity in first.items():
            assert store.get_entity(entity_id) == entity
        v2 = import_dataset(store, _dataset(second, "b"), source=source)
        assert {e.id: e for e in store.iter_entities()} == second
        assert store.version_entities(FAKE_ID, v1.id) == first
        diff = store.diff(FAKE_ID, v1.id, v2.id)
        added, removed, changed = diff_entities(first, second)
        assert diff.added == added and diff.removed == removed and diff.changed == changed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=datasets(), second=datasets())
def test_store_round_trip_and_diff(first: dict[str, Entity], second: dict[str, Entity]) -> None:
    with tempfile.TemporaryDirectory() as home:
        _round_trip(Settings(home=Path(home)), first, second)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=datasets(), second=datasets())
def test_store_round_trip_and_diff_in_postgresql(
    postgres_server: PostgresServer, first: dict[str, Entity], second: dict[str, Entity]
) -> None:
    """The same in PostgreSQL (fewer examples: a database is made and dropped for each)."""
    url = postgres_server.database()
    try:
        with tempfile.TemporaryDirectory() as home:
            _round_trip(Settings(home=Path(home), database_url=url), first, second)
    finally:
        postgres_server.drop(url)
