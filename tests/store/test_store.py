"""The store: versions, atomic gated import, lookups, history."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearance.catalog import import_dataset
from clearance.errors import GateError, InputError, NotFoundError, StoreError
from clearance.model import Entity
from clearance.settings import Settings
from clearance.store import Store
from tests.store.fakesource import FAKE_ID, FakeSource, fake_source, sample_rows, write_fake

__all__ = ["fake_source"]  # the fixture, imported for pytest


@pytest.fixture
def store(store_settings: Settings, fake_source: FakeSource) -> Iterator[Store]:
    """An empty store in each backend."""
    opened = Store.open(store_settings)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(settings: Settings, fake_source: FakeSource) -> Iterator[Store]:
    opened = Store.open(settings)
    yield opened
    opened.close()


def _load(store: Store, tmp_path: Path, rows: list[tuple[str, ...]], **kw: object) -> object:
    name = f"v{len(store.versions(FAKE_ID))}-{len(rows)}.csv"
    published = str(kw.pop("published", ""))
    dataset = FakeSource().read(write_fake(tmp_path / name, rows, published=published))
    return import_dataset(store, dataset, **kw)  # type: ignore[arg-type]


def test_import_records_version_metadata(store: Store, tmp_path: Path) -> None:
    rows = sample_rows(5)
    rows[0] = ("E1", "Person", "Sample Person One", "", "ru")
    info = _load(store, tmp_path, rows, published="2024-02-01")
    assert info.source == FAKE_ID and info.active and not info.unchanged
    assert info.entities == 5
    assert info.published == "2024-02-01"
    assert info.origin == "load" and info.format == "fake-csv"
    assert info.content_hash.startswith("sha256:")
    assert info.stats == {"Company": 4, "Person": 1}
    assert store.active_versions() == {FAKE_ID: info}
    assert store.versions(FAKE_ID) == [info]


def test_store_is_wal_sqlite_in_home(sqlite_store: Store, settings: Settings) -> None:
    assert settings.database_path.is_file()
    mode = sqlite_store.connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_entities_round_trip(store: Store, tmp_path: Path) -> None:
    dataset = FakeSource().read(write_fake(tmp_path / "a.csv", sample_rows(4)))
    import_dataset(store, dataset)
    expected = {e.id: e for e in dataset.entities}
    got = {e.id: e for e in store.iter_entities()}
    assert got == expected
    assert store.get_entity(f"{FAKE_ID}:E3") == expected[f"{FAKE_ID}:E3"]
    assert [e.id for e in store.iter_entities(sources=["other"])] == []
    with pytest.raises(NotFoundError):
        store.get_entity(f"{FAKE_ID}:E99")


def test_identical_reimport_is_unchanged(store: Store, tmp_path: Path) -> None:
    path = write_fake(tmp_path / "same.csv", sample_rows(4))
    first = import_dataset(store, FakeSource().read(path))
    key = store.state_key()
    again = import_dataset(store, FakeSource().read(path))
    assert again.unchanged and again.id == first.id
    assert len(store.versions(FAKE_ID)) == 1
    assert store.state_key() == key
    # the same entities from other bytes (here: a publication date) are a new version
    dated = write_fake(tmp_path / "same.csv", sample_rows(4), published="2024-01-01")
    third = import_dataset(store, FakeSource().read(dated))
    assert not third.unchanged and third.published == "2024-01-01"


def test_new_version_switches_and_keeps_old(store: Store, tmp_path: Path) -> None:
    first = _load(store, tmp_path, sample_rows(10))
    key = store.state_key()
    rows = sample_rows(10)
    rows[1] = ("E2", "Company", "Sample Trading 2 Ltd", "ST2;New Alias", "cn")
    rows.append(("E11", "Company", "Sample Eleven", "", ""))
    del rows[4]  # E5 removed
    second = _load(store, tmp_path, rows)
    assert second.id != first.id and second.active
    assert store.state_key() != key
    versions = store.versions(FAKE_ID)
    assert [v.id for v in versions] == [first.id, second.id]
    assert [v.active for v in versions] == [False, True]
    assert {e.source_id for e in store.iter_entities()} == {f"E{i}" for i in range(1, 12)} - {"E5"}
    old = store.version_entities(FAKE_ID, first.id)
    assert set(old) == {f"{FAKE_ID}:E{i}" for i in range(1, 11)}
    diff = store.diff(FAKE_ID)
    assert (diff.from_version, diff.to_version) == (first.id, second.id)
    assert [e.source_id for e in diff.added] == ["E11"]
    assert [e.source_id for e in diff.removed] == ["E5"]
    (change,) = diff.changed
    assert change.entity_id == f"{FAKE_ID}:E2"
    assert [n.value for n in change.names_added] == ["New Alias"]
    assert [n.value for n in change.names_removed] == ["Sample 2"]
    assert [(c.field, c.old, c.new) for c in change.properties] == [("country", ["ir"], ["cn"])]
    assert store.diff(FAKE_ID, from_version=second.id, to_version=first.id).summary() == {
        "added": 1,
        "removed": 1,
        "changed": 1,
    }


def test_first_version_diff_is_all_added(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path, sample_rows(3))
    diff = store.diff(FAKE_ID)
    assert diff.from_version is None and len(diff.added) == 3
    with pytest.raises(NotFoundError):
        store.diff(FAKE_ID, from_version=999)
    with pytest.raises(NotFoundError):
        store.diff("nothing-here")


def test_entity_history(store: Store, tmp_path: Path) -> None:
    v1 = _load(store, tmp_path, sample_rows(10))
    rows = sample_rows(10)
    rows[2] = ("E3", "Company", "Sample Trading 3 Ltd", "ST3;Sample 3", "cn")
    v2 = _load(store, tmp_path, rows)
    v3 = _load(store, tmp_path, [r for r in rows if r[0] != "E3"])
    v4 = _load(store, tmp_path, rows)
    events = store.entity_history(f"{FAKE_ID}:E3")
    assert [(e.version, e.change) for e in events] == [
        (v1.id, "added"),
        (v2.id, "changed"),
        (v3.id, "removed"),
        (v4.id, "added"),
    ]
    assert events[1].fields == ("country",)
    assert [e.change for e in store.entity_history(f"{FAKE_ID}:E1")] == ["added"]
    with pytest.raises(NotFoundError):
        store.entity_history(f"{FAKE_ID}:nope")


def _snapshot(store: Store) -> tuple[object, ...]:
    conn = store.connection
    return (
        store.state_key(),
        conn.execute("SELECT COUNT(*) FROM records").fetchone(),
        conn.execute("SELECT id, active FROM versions ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM current ORDER BY entity_id").fetchall(),
    )


def test_gate_failure_changes_nothing(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path, sample_rows(20))
    before = _snapshot(store)
    with pytest.raises(GateError, match=r"drop of 25%.*--force"):
        _load(store, tmp_path, sample_rows(15, prefix="X"))
    with pytest.raises(GateError, match="fewer than the 2"):
        _load(store, tmp_path, sample_rows(1))
    assert _snapshot(store) == before
    forced = _load(store, tmp_path, sample_rows(15), force=True)
    assert forced.active and forced.entities == 15
    assert len(list(store.iter_entities())) == 15


def test_a_small_shrink_passes_without_force(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path, sample_rows(20))
    assert _load(store, tmp_path, sample_rows(18)).entities == 18


def test_nameless_entity_is_refused(store: Store, tmp_path: Path) -> None:
    dataset = FakeSource().read(write_fake(tmp_path / "a.csv", sample_rows(3)))
    dataset.entities.append(Entity(source=FAKE_ID, source_id="nameless", schema="Company"))
    with pytest.raises(GateError, match="no name"):
        import_dataset(store, dataset)
    assert store.active_versions() == {}


def test_duplicate_ids_are_refused(store: Store, tmp_path: Path) -> None:
    dataset = FakeSource().read(write_fake(tmp_path / "a.csv", sample_rows(3)))
    dataset.entities.append(dataset.entities[0])
    with pytest.raises(InputError, match="more than once"):
        import_dataset(store, dataset)


def test_context_manager_closes(settings: Settings) -> None:
    with Store.open(settings) as opened:
        assert opened.active_versions() == {}
    with pytest.raises(sqlite3.ProgrammingError):
        opened.connection.execute("SELECT 1")


def test_newer_schema_is_refused(settings: Settings) -> None:
    Store.open(settings).close()
    conn = sqlite3.connect(settings.database_path)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 999"):
        Store.open(settings)


def test_garbage_file_is_a_store_error(settings: Settings) -> None:
    settings.home.mkdir(parents=True)
    settings.database_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        Store.open(settings)


def test_fetch_state_follows_the_active_version(store: Store, tmp_path: Path) -> None:
    first = _load(store, tmp_path, sample_rows(4))
    assert store.fetch_state(FAKE_ID) == {}
    state = {"FAKE.CSV": ('"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")}
    store.save_fetch_state(FAKE_ID, first.id, state)
    assert store.fetch_state(FAKE_ID) == state
    _load(store, tmp_path, sample_rows(5))  # e.g. loaded by hand: the validators no longer apply
    assert store.fetch_state(FAKE_ID) == {}


def test_locked_store_is_a_store_error(
    sqlite_store: Store, tmp_path: Path, settings: Settings
) -> None:
    store = sqlite_store
    _load(store, tmp_path, sample_rows(4))
    other = sqlite3.connect(settings.database_path)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        store.connection.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(StoreError, match="active version is kept"):
            _load(store, tmp_path, sample_rows(5))
    finally:
        other.rollback()
        other.close()
    assert [v.entities for v in store.versions(FAKE_ID)] == [4]


def test_unusable_home_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="CLEARANCE_HOME"):
        Store.open(Settings(home=blocker / "home"))
