"""A store written by schema 1 is upgraded in place on open, and what was active stays active;
the screening audit log of schemata 1 and 2 becomes the start of the audit chain."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson

from clearance.catalog import load
from clearance.model import Entity
from clearance.settings import Settings
from clearance.sources.ftm import fold, published_date, read_entities
from clearance.store import Store, chain, codec, monitor
from clearance.store.audit import AuditLog
from clearance.store.base import connect
from clearance.store.chain import ChainRecord, append, verify
from clearance.store.keys import KeyStore
from clearance.store.monitor import MonitorStore
from clearance.store.schema import DDL, SCHEMA_VERSION, TABLES
from tests.store.fakesource import FAKE_ID, FakeSource, fake_source, sample_rows, write_fake

__all__ = ["fake_source"]  # the fixture, imported for pytest

#: the tables of schema 1 as it was released (no per-source version numbers)
SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, source TEXT NOT NULL,
    entity_id TEXT NOT NULL, data BLOB NOT NULL);
CREATE INDEX records_source ON records(source);
CREATE INDEX records_entity ON records(entity_id);
CREATE TABLE versions (id INTEGER PRIMARY KEY, source TEXT NOT NULL, content_hash TEXT NOT NULL,
    members_hash TEXT NOT NULL, published TEXT NOT NULL, imported_at TEXT NOT NULL,
    entities INTEGER NOT NULL, format TEXT NOT NULL, origin TEXT NOT NULL, stats TEXT NOT NULL,
    files TEXT NOT NULL, members BLOB NOT NULL, active INTEGER NOT NULL DEFAULT 0);
CREATE INDEX versions_source ON versions(source, id);
CREATE UNIQUE INDEX versions_one_active ON versions(source) WHERE active = 1;
CREATE TABLE current (entity_id TEXT PRIMARY KEY, record_id INTEGER NOT NULL,
    source TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX current_source ON current(source);
CREATE TABLE fetch_state (source TEXT NOT NULL, file TEXT NOT NULL, etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '', version_id INTEGER NOT NULL,
    PRIMARY KEY (source, file)) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('schema', '1');
"""

#: the screening audit log of schemata 1 and 2, written by the HTTP API
AUDIT_LOG = """
CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
    key_id TEXT NOT NULL, key_name TEXT NOT NULL, endpoint TEXT NOT NULL,
    request_id TEXT NOT NULL, query TEXT NOT NULL, versions TEXT NOT NULL,
    algorithm TEXT NOT NULL, results TEXT NOT NULL);
"""


def _write_v1_version(
    conn: sqlite3.Connection,
    source: str,
    entities: list[Entity],
    files: list[str],
    active: bool,
    published: str = "",
) -> int:
    """Store ``entities`` as schema 1 did: content-addressed records and a version row."""
    ids: list[int] = []
    hashes: list[bytes] = []
    for entity in entities:
        blob = codec.canonical_bytes(entity)
        digest = codec.record_hash(blob)
        row = conn.execute("SELECT id FROM records WHERE hash = ?", (digest,)).fetchone()
        if row is None:
            cur = conn.execute(
                "INSERT INTO records(hash, source, entity_id, data) VALUES (?, ?, ?, ?)",
                (digest, source, entity.id, codec.compress(blob)),
            )
            row = (cur.lastrowid,)
        ids.append(row[0])
        hashes.append(digest)
    if active:
        conn.execute("UPDATE versions SET active = 0 WHERE source = ?", (source,))
        conn.execute("DELETE FROM current WHERE source = ?", (source,))
        conn.executemany(
            "INSERT INTO current(entity_id, record_id, source) VALUES (?, ?, ?)",
            [(e.id, i, source) for e, i in zip(entities, ids, strict=True)],
        )
    cur = conn.execute(
        "INSERT INTO versions(source, content_hash, members_hash, published, imported_at,"
        " entities, format, origin, stats, files, members, active)"
        " VALUES (?, ?, ?, ?, '2025-01-01T00:00:00+00:00', ?, 'x', 'load', '{}', ?, ?, ?)",
        (
            source,
            f"sha256:{source}:{len(entities)}",
            codec.members_hash(hashes),
            published,
            len(entities),
            orjson.dumps(files).decode(),
            codec.pack_ids(ids),
            int(active),
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def _write_audit_row(conn: sqlite3.Connection, at: str, versions: dict[str, str]) -> None:
    """A screening as the HTTP API of schemata 1 and 2 logged it."""
    conn.execute(
        "INSERT INTO audit_log (at, key_id, key_name, endpoint, request_id, query, versions,"
        " algorithm, results) VALUES (?, 'k1', 'ci', '/match/default', 'r1', '{\"name\":\"x\"}',"
        " ?, 'balanced/2', '[]')",
        (at, orjson.dumps(versions).decode()),
    )


def test_schema_1_store_is_upgraded(
    settings: Settings, fixtures: Path, tmp_path: Path, fake_source: FakeSource
) -> None:
    export = tmp_path / "acme_sanctions" / "entities.ftm.json"
    export.parent.mkdir()
    export.write_bytes((fixtures / "ftm" / "entities.ftm.json").read_bytes())
    # FtM entities as schema 1 held them: the one source ``ftm``, ids ``ftm:<FtM id>``
    old_ftm = fold(read_entities(export), "ftm")
    fake = FakeSource().read(write_fake(tmp_path / "f.csv", sample_rows(3))).entities
    settings.home.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(settings.database_path)
    conn.executescript(SCHEMA_1)
    keys = [
        _write_v1_version(conn, FAKE_ID, fake[:2], ["a.csv"], active=True),
        _write_v1_version(conn, "ftm", old_ftm, [str(export)], True, published_date(old_ftm)),
        _write_v1_version(conn, FAKE_ID, fake, ["b.csv"], active=True),
    ]
    assert keys == [1, 2, 3]
    conn.executescript(AUDIT_LOG)
    _write_audit_row(conn, "2025-01-02T00:00:00.000+00:00", {"ftm": "2", FAKE_ID: "3"})
    _write_audit_row(conn, "2025-01-03T00:00:00.000+00:00", {FAKE_ID: "1"})
    conn.commit()
    conn.close()

    with Store.open(settings) as store:
        active = store.active_versions()
        assert set(active) == {FAKE_ID, "ftm:acme_sanctions"}
        assert active[FAKE_ID].id == 2 and active["ftm:acme_sanctions"].id == 1
        assert [v.id for v in store.versions(FAKE_ID)] == [1, 2]
        entity = store.get_entity("ftm:acme_sanctions:c2")
        assert entity.source == "ftm:acme_sanctions"
        assert entity.record["relations"][0]["owner"] == "ftm:acme_sanctions:c1"
        # the same export loaded again is the version already active, not a new one
        outcome = load(store, "ftm", export)
        assert outcome.status == "unchanged" and outcome.version is not None
        assert outcome.version.id == 1
        # a store entity is what the reader makes of the file today
        fresh = {e.id: e for e in fold(read_entities(export), "ftm:acme_sanctions")}
        assert {e.id: e for e in store.iter_entities(["ftm:acme_sanctions"])} == fresh
        # the old log is the start of the chain, renumbered, oldest first, with its times
        older, newer = reversed(AuditLog(store.connection).entries(10))
        assert older.versions == {"ftm:acme_sanctions": "1", FAKE_ID: "2"}
        assert (older.seq, older.at) == (1, "2025-01-02T00:00:00.000+00:00")
        assert (newer.seq, newer.versions) == (2, {FAKE_ID: "1"})
        assert older.key_name == "ci" and older.query == {"name": "x"}
        assert verify(store.connection).ok
        tables = {r[0] for r in store.connection.execute("SELECT name FROM sqlite_master")}
        assert "audit_log" not in tables and {"audit_chain", "alerts", "book_parties"} <= tables
        schema = store.connection.execute("SELECT value FROM meta WHERE key = 'schema'")
        assert schema.fetchone()[0] == SCHEMA_VERSION


def test_schema_3_store_is_upgraded_in_either_backend(store_settings: Settings) -> None:
    """A store of schema 3 (keys, users and ownership tables made on first use, or never) is
    upgraded in place on open, in SQLite as in PostgreSQL: what it held is kept, and the
    tables it lacked are there."""
    location = store_settings.database_location
    conn = connect(location)
    with conn.write():
        for statement in (*(s for s in DDL.split(";") if s.strip()), *chain.DDL, *monitor.DDL):
            conn.execute(conn.ddl(statement))
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema', '3')")
        append(conn, [ChainRecord("test.event", {"kept": True})])
    assert not conn.table_exists("api_keys") and not conn.table_exists("ownership_files")
    conn.close()

    with Store.open(store_settings) as store:
        conn = store.connection
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == (
            SCHEMA_VERSION
        )
        assert all(conn.table_exists(t) for t in ("api_keys", "users", "ownership_files"))
        assert verify(conn).ok and verify(conn).records == 1
        key, _secret = KeyStore(conn).create("after-upgrade", "screener")
        assert [k.id for k in KeyStore(conn).list()] == [key.id]
        assert store.ownership.files() == [] and list(store.ownership.parties()) == []
    # opening it again finds it current: nothing runs twice
    with Store.open(store_settings) as store:
        assert verify(store.connection).records == 2


#: the book's table of schema 4, as it was released (one drift budget per party)
BOOK_PARTIES_4 = """CREATE TABLE IF NOT EXISTS book_parties (
    reference TEXT PRIMARY KEY, data TEXT NOT NULL, fingerprint TEXT NOT NULL,
    added_at TEXT NOT NULL, updated_at TEXT NOT NULL, screened_at TEXT NOT NULL DEFAULT '',
    screened_step INTEGER NOT NULL DEFAULT 0, budget REAL NOT NULL DEFAULT 0,
    weight_floor REAL NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '')"""


def test_schema_4_store_keeps_each_party_budget_as_both(store_settings: Settings) -> None:
    """A store of schema 4 (one drift budget per party, charged for ranks moving either way)
    is upgraded in place on open, in SQLite as in PostgreSQL: each party keeps its budget for
    ranks rising and gets the same budget for its matches' ranks falling."""
    location = store_settings.database_location
    conn = connect(location)
    with conn.write():
        for statement in TABLES:
            if "TABLE IF NOT EXISTS book_parties" in statement:
                statement = BOOK_PARTIES_4
            conn.execute(conn.ddl(statement))
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema', '4')")
        conn.executemany(
            "INSERT INTO book_parties (reference, data, fingerprint, added_at, updated_at,"
            " screened_at, budget, weight_floor) VALUES (?, '{}', 'f', 't', 't', ?, ?, 2.0)",
            [("screened", "t", 0.25), ("new", "", 0.0)],
        )
    assert "fall_budget" not in conn.columns("book_parties")
    conn.close()

    with Store.open(store_settings) as store:
        conn = store.connection
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == (
            SCHEMA_VERSION
        )
        book = MonitorStore(conn)
        assert book.budgets() == {"screened": (0.25, 2.0)}
        assert book.fall_budgets() == {"screened": 0.25}
        # a party never screened has no budget either way
        assert sorted(
            conn.execute("SELECT reference, budget, fall_budget FROM book_parties").fetchall()
        ) == [("new", 0.0, 0.0), ("screened", 0.25, 0.25)]
    # opening it again finds it current: nothing runs twice
    with Store.open(store_settings) as store:
        assert MonitorStore(store.connection).fall_budgets() == {"screened": 0.25}
