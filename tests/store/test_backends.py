"""The parts of the store the other tests of this folder reach only through SQLite, in both
backends: ownership files, webhooks and their deliveries, the monitor's state, the key/value
meta, and values that must come back as they went in (bytes, floats, NULLs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clearance.model import Entity
from clearance.settings import Settings
from clearance.store import Store
from clearance.store.base import hold
from clearance.store.monitor import MonitorStore
from clearance.store.ownership import OwnershipImport, OwnershipLink


@pytest.fixture
def store(store_settings: Settings) -> Iterator[Store]:
    opened = Store.open(store_settings)
    yield opened
    opened.close()


def _party(name: str) -> Entity:
    entity = Entity(source="ownership", source_id=name.lower().replace(" ", "-"), schema="Company")
    entity.add_name(name)
    return entity


def test_ownership_files_round_trip(store: Store) -> None:
    holding, plant = _party("Northwind Holding Ltd"), _party("Northwind Components GmbH")
    links = [
        OwnershipLink(1, "us-ofac-sdn:1002", holding.id, 60.0, "2025-01-01", "registry"),
        OwnershipLink(2, holding.id, plant.id, None),
    ]
    first = store.ownership.write(
        OwnershipImport("links", "links.csv", "sha256:1", links, [holding, plant], [["a", "b"]])
    )
    assert (first.links, first.parties) == (2, 2)
    assert [(name, link) for name, link in store.ownership.links()] == [("links", x) for x in links]
    assert store.ownership.same() == [["a", "b"]]
    assert list(store.ownership.parties()) == [plant, holding]  # by id
    assert store.get_entity(holding.id) == holding
    state = store.state_key()
    # the same name again replaces the active file; the first import is kept for the record
    second = store.ownership.write(OwnershipImport("links", "links.csv", "sha256:2", links[:1],
                                                   [holding]))  # fmt: skip
    assert second.id != first.id and store.ownership.files() == [second]
    assert store.ownership.file(first.id) == first
    assert store.state_key() != state
    assert [link.share for _, link in store.ownership.links()] == [60.0]


def test_webhooks_deliveries_and_state(store: Store) -> None:
    book = MonitorStore(store.connection)
    with book.write() as conn:
        at = "2026-01-01T00:00:00"
        hook = MonitorStore.add_webhook(conn, "https://example.org/h", ["alert.opened"], "s",
                                        "admin", at)  # fmt: skip
        MonitorStore.queue_deliveries(conn, [(hook, "alert.opened", '{"id": 1}')],
                                      "2026-01-01T00:00:00")  # fmt: skip
        MonitorStore.put_state(conn, {"drift": 0.125, "steps": [1, 2]})
    (due,) = book.due_deliveries("2026-01-01T00:00:01")
    assert book.claim(due.id, due.next_at, "2026-01-01T00:05:00")
    assert not book.claim(due.id, due.next_at, "2026-01-01T00:05:00")  # taken by the first
    book.record_attempt(due.id, "delivered", 200, "", "", "2026-01-01T00:00:02")
    (done,) = book.deliveries(hook)
    assert (done.state, done.attempts, done.last_status) == ("delivered", 1, 200)
    assert book.state() == {"drift": 0.125, "steps": [1, 2]}
    with book.write() as conn:
        assert MonitorStore.remove_webhook(conn, hook)
        assert not MonitorStore.remove_webhook(conn, hook)
    assert book.webhooks() == [] and book.webhooks(active_only=False)[0].url.endswith("/h")


def test_meta_and_a_failed_write_leave_nothing(store: Store) -> None:
    store.set_meta("bundled:x", "one")
    store.set_meta("bundled:x", "two")
    assert store.get_meta("bundled:x") == "two" and store.get_meta("missing") is None
    with pytest.raises(RuntimeError), store.connection.write() as conn:
        conn.execute("INSERT INTO meta(key, value) VALUES ('half', 'written')")
        raise RuntimeError("cut short")
    assert store.get_meta("half") is None
    assert not store.connection.in_transaction


def test_a_named_lock_is_held_by_one_holder_of_the_store(
    store: Store, store_settings: Settings
) -> None:
    """The lock the monitoring schedule runs under: one holder per store (another connection,
    as another server or host would open, is refused without waiting), free again once the
    holder is done, and independent of other names and of the store's writes."""
    location = store_settings.database_location
    with hold(location, "schedule") as first:
        assert first
        with hold(location, "schedule") as second:
            assert not second
        with hold(location, "other") as other:
            assert other
        store.set_meta("while-held", "written")  # the store's writes are not blocked
    with hold(location, "schedule") as again:
        assert again
