"""The audit chain: every record points at the one before, and ``verify`` finds an edited,
deleted, reordered or cut record; key events and list activations are written with their
change."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from itertools import pairwise

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.catalog import import_dataset
from clearance.errors import InputError
from clearance.model import Entity, Listing
from clearance.settings import Settings
from clearance.sources.base import Dataset
from clearance.store import Connection, Store, open_database
from clearance.store.chain import (
    GENESIS,
    ChainQuery,
    ChainRecord,
    append,
    chain_head,
    read_chain,
    verify,
)
from clearance.store.keys import KeyStore
from clearance.store.users import UserStore
from tests.store.fakesource import FAKE_ID, FakeSource
from tests.web.conftest import FAST_HASHER

__all__ = ["FakeSource"]

USER_KINDS = ("user.created", "user.role", "user.password", "user.disabled", "user.enabled")


def fresh() -> Connection:
    """An empty store in memory (SQLite), for the property test's many examples."""
    return open_database(":memory:")


@pytest.fixture
def db(store_settings: Settings) -> Iterator[Connection]:
    """An empty store in each backend."""
    conn = open_database(store_settings.database_location)
    yield conn
    conn.close()


def fill(conn: Connection, count: int) -> None:
    with conn.write():
        append(
            conn,
            [ChainRecord("test.event", {"n": n, "name": f"Name {n}"}, party=f"p{n % 3}")
             for n in range(1, count + 1)],
        )  # fmt: skip


def test_records_link_to_the_one_before(db: Connection) -> None:
    conn = db
    assert chain_head(conn) == (0, GENESIS)
    fill(conn, 5)
    entries = read_chain(conn, ChainQuery())
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev == GENESIS
    assert all(b.prev == a.hash for a, b in pairwise(entries))
    assert chain_head(conn) == (5, entries[-1].hash)
    report = verify(conn, expected_head=entries[2].hash)
    assert report.ok and report.records == 5 and report.head == entries[-1].hash
    # read by party, newest first, limited
    assert [e.seq for e in read_chain(conn, ChainQuery(party="p1", newest_first=True))] == [4, 1]


def test_appending_needs_a_transaction(db: Connection) -> None:
    conn = db
    with pytest.raises(Exception, match="transaction"):
        append(conn, [ChainRecord("x", {})])


def test_an_edited_record_is_found(db: Connection) -> None:
    conn = db
    fill(conn, 6)
    conn.execute("UPDATE audit_chain SET data = ? WHERE seq = 4", ('{"n":40,"name":"Name 4"}',))
    report = verify(conn)
    assert not report.ok and report.broken == 4 and "changed" in report.problem
    assert report.records == 3


def test_an_edited_time_or_actor_is_found(db: Connection) -> None:
    conn = db
    fill(conn, 3)
    conn.execute("UPDATE audit_chain SET actor = 'someone else' WHERE seq = 2")
    assert verify(conn).broken == 2


def test_a_deleted_record_is_found(db: Connection) -> None:
    conn = db
    fill(conn, 6)
    conn.execute("DELETE FROM audit_chain WHERE seq = 3")
    report = verify(conn)
    assert not report.ok and report.broken == 3 and "missing" in report.problem


def test_a_deleted_and_renumbered_record_is_found(db: Connection) -> None:
    conn = db
    fill(conn, 6)
    conn.execute("DELETE FROM audit_chain WHERE seq = 3")
    conn.execute("UPDATE audit_chain SET seq = seq - 1 WHERE seq > 3")
    report = verify(conn)
    assert not report.ok and report.broken == 3 and "does not point" in report.problem


def test_reordered_records_are_found(db: Connection) -> None:
    conn = db
    fill(conn, 6)
    conn.execute("UPDATE audit_chain SET seq = 100 WHERE seq = 2")
    conn.execute("UPDATE audit_chain SET seq = 2 WHERE seq = 5")
    conn.execute("UPDATE audit_chain SET seq = 5 WHERE seq = 100")
    report = verify(conn)
    assert not report.ok and report.broken == 2


def test_records_cut_from_the_end_are_found(db: Connection) -> None:
    conn = db
    fill(conn, 6)
    kept = read_chain(conn, ChainQuery())[-1].hash
    conn.execute("DELETE FROM audit_chain WHERE seq >= 5")
    report = verify(conn)
    assert not report.ok and "removed from the end" in report.problem
    # ... even when the head row is rewritten too: the hash kept elsewhere is gone
    last = read_chain(conn, ChainQuery())[-1]
    conn.execute("UPDATE audit_head SET seq = ?, hash = ?", (last.seq, last.hash))
    assert verify(conn).ok
    report = verify(conn, expected_head=kept)
    assert not report.ok and "kept elsewhere" in report.problem


TAMPERING = st.sampled_from(["edit", "delete", "swap", "cut"])


@given(count=st.integers(2, 30), at=st.integers(1, 30), how=TAMPERING, data=st.data())
def test_any_tampering_names_the_first_broken_record(
    count: int, at: int, how: str, data: st.DataObject
) -> None:
    conn = fresh()
    fill(conn, count)
    at = min(at, count)
    if how == "edit":
        conn.execute("UPDATE audit_chain SET kind = 'other' WHERE seq = ?", (at,))
        expected = at
    elif how == "delete":
        at = min(at, count - 1)  # the last one is a cut
        conn.execute("DELETE FROM audit_chain WHERE seq = ?", (at,))
        expected = at
    elif how == "swap":
        other = data.draw(st.integers(1, count).filter(lambda n: n != at), label="other")
        first, second = sorted((at, other))
        conn.execute("UPDATE audit_chain SET seq = -1 WHERE seq = ?", (first,))
        conn.execute("UPDATE audit_chain SET seq = ? WHERE seq = ?", (first, second))
        conn.execute("UPDATE audit_chain SET seq = ? WHERE seq = -1", (second,))
        expected = first
    else:
        conn.execute("DELETE FROM audit_chain WHERE seq >= ?", (at,))
        expected = at
    report = verify(conn)
    assert not report.ok
    assert report.broken == expected


def _write_records(location: str, writer: int, count: int) -> None:
    """One writer: its own connection, one record per transaction."""
    conn = open_database(location)
    for i in range(count):
        with conn.write():
            append(conn, [ChainRecord("test.event", {"writer": writer, "i": i})])
    conn.close()


def test_concurrent_writers_keep_one_chain(store_settings: Settings) -> None:
    """Threads and processes appending at once, each on its own connection (as several
    servers on one database do), extend one chain: every record is there once, in order."""
    location = store_settings.database_location
    open_database(location).close()
    threads = [threading.Thread(target=_write_records, args=(location, n, 20)) for n in range(4)]
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_write_records, args=(location, n, 20)) for n in range(4, 7)
    ]
    for worker in [*threads, *processes]:
        worker.start()
    for thread in threads:
        thread.join()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    conn = open_database(location)
    report = verify(conn)
    assert report.ok and report.records == 140
    written = {(e.data["writer"], e.data["i"]) for e in read_chain(conn, ChainQuery())}
    assert written == {(n, i) for n in range(7) for i in range(20)}
    conn.close()


def test_key_events_are_chained(store_settings: Settings) -> None:
    location = store_settings.database_location
    keys = KeyStore(open_database(location))
    key, _secret = keys.create("ci-bot", "reviewer", actor="admin-key")
    keys.revoke("ci-bot")
    conn = open_database(location)
    events = read_chain(conn, ChainQuery(kinds=("key.created", "key.revoked")))
    assert [(e.kind, e.actor, e.data["key_id"]) for e in events] == [
        ("key.created", "admin-key", key.id),
        ("key.revoked", "cli", key.id),
    ]
    assert events[0].data["role"] == "reviewer" and "digest" not in events[0].data
    assert verify(conn).ok


def test_user_events_are_chained(store_settings: Settings) -> None:
    location = store_settings.database_location
    users = UserStore(open_database(location), hasher=FAST_HASHER)
    user = users.create("alice", "analyst", "a long enough password", actor="user:root")
    users.set_role("alice", "reviewer", actor="user:root")
    users.set_password("alice", "another long password", actor="cli:ops")
    users.disable("alice", actor="user:root")
    users.disable("alice", actor="user:root")  # already disabled: no change, no record
    users.enable("alice", actor="user:root")
    with pytest.raises(InputError):
        users.set_role("alice", "overlord", actor="user:root")  # refused: no record
    conn = open_database(location)
    events = read_chain(conn, ChainQuery(kinds=USER_KINDS))
    assert [(e.kind, e.actor, e.data["user_id"], e.data["role"]) for e in events] == [
        ("user.created", "user:root", user.id, "analyst"),
        ("user.role", "user:root", user.id, "reviewer"),
        ("user.password", "cli:ops", user.id, "reviewer"),
        ("user.disabled", "user:root", user.id, "reviewer"),
        ("user.enabled", "user:root", user.id, "reviewer"),
    ]
    assert not any("password" in str(e.data).replace("user.password", "") for e in events)
    assert verify(conn).ok


def test_a_failed_key_creation_leaves_no_record(store_settings: Settings) -> None:
    keys = KeyStore(open_database(store_settings.database_location))
    keys.create("ops", "admin")
    with pytest.raises(Exception, match="exists"):
        keys.create("ops", "admin")
    conn = open_database(store_settings.database_location)
    assert len(read_chain(conn, ChainQuery(kinds=("key.created",)))) == 1


def _dataset(names: list[str], published: str) -> Dataset:
    entities = []
    for n, name in enumerate(names):
        entity = Entity(source=FAKE_ID, source_id=str(n), schema="Person")
        entity.add_name(name)
        entity.listings.append(Listing(list="SDN", effect="blocking"))
        entities.append(entity)
    return Dataset(FAKE_ID, entities, format="test", published=published,
                   content_hash=orjson.dumps([names, published]).hex())  # fmt: skip


def test_list_activations_are_chained(store_settings: Settings) -> None:
    source = FakeSource()
    with Store.open(store_settings) as store:
        import_dataset(store, _dataset(["Ann", "Bob"], "2026-01-01"), source=source, force=True)
        import_dataset(store, _dataset(["Ann", "Bob"], "2026-01-01"), source=source, force=True)
        import_dataset(store, _dataset(["Ann", "Cy"], "2026-01-02"), source=source, force=True)
        events = read_chain(store.connection, ChainQuery(kinds=("list.activated",)))
        assert [(e.data["version"], e.data["previous"]) for e in events] == [(1, None), (2, 1)]
        assert events[1].data["published"] == "2026-01-02" and events[1].actor == "load"
        assert verify(store.connection).ok
