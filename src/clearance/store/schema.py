"""The SQLite schema of the store, created or upgraded on open.

Layout (see ``sqlite.py`` for how it is used):

``records``   content-addressed entity records: one row per distinct ``Entity.to_dict()``
              (zlib-compressed canonical JSON), unique by its blake2b hash. An entity that does
              not change between versions is stored once, however many versions contain it.
``versions``  one row per imported version of a source, with its metadata and a compact
              membership blob: the sorted record ids of the version, delta-encoded and
              compressed (``codec.pack_ids``). At most one version per source is active.
              ``number`` numbers each source's versions on their own (1, 2, 3...); ``id`` is
              the row's key across sources.
``current``   entity id -> record id for the active versions only: fast ``get_entity`` and
              iteration without decoding membership blobs.
``fetch_state`` HTTP validators (ETag, Last-Modified) per source and remote file, with the
              version they produced; written only after a download was imported, and used only
              while that version is active, so a refused download (or a version loaded by hand
              since) makes the next update fetch the files again.
``meta``      key/value: schema version, hashes of the bundled files last imported.
``audit_chain``, ``audit_head``  the audit chain (``chain.py``).
``book_parties``, ``alerts``, ``decisions``, ``webhooks``, ``webhook_deliveries``,
``monitor_state``  the monitoring tables (``monitor.py``).

A store written by an older schema is upgraded in place, in one transaction, on open
(``migrate.py``).
"""

from __future__ import annotations

import sqlite3

from clearance.errors import StoreError
from clearance.store import chain, monitor
from clearance.store.migrate import MIGRATIONS

SCHEMA_VERSION = "3"

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    source TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_source ON records(source);
CREATE INDEX IF NOT EXISTS records_entity ON records(entity_id);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    number INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    members_hash TEXT NOT NULL,
    published TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    entities INTEGER NOT NULL,
    format TEXT NOT NULL,
    origin TEXT NOT NULL,
    stats TEXT NOT NULL,
    files TEXT NOT NULL,
    members BLOB NOT NULL,
    active INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS versions_source ON versions(source, id);
CREATE UNIQUE INDEX IF NOT EXISTS versions_number ON versions(source, number);
CREATE UNIQUE INDEX IF NOT EXISTS versions_one_active ON versions(source) WHERE active = 1;
CREATE TABLE IF NOT EXISTS current (
    entity_id TEXT PRIMARY KEY,
    record_id INTEGER NOT NULL,
    source TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS current_source ON current(source);
CREATE TABLE IF NOT EXISTS fetch_state (
    source TEXT NOT NULL,
    file TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    version_id INTEGER NOT NULL,
    PRIMARY KEY (source, file)
) WITHOUT ROWID;
"""


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the tables if missing; refuse a store written by a newer schema."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet: a new store
        row = None
    if row is not None:
        if row[0] != SCHEMA_VERSION:
            _upgrade(conn, str(row[0]))
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in DDL.split(";"):
            if statement.strip():
                conn.execute(statement)
        chain.create_tables(conn)
        monitor.create_tables(conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
        )
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _upgrade(conn: sqlite3.Connection, found: str) -> None:
    """Bring a store of an older schema up to this one, in one transaction."""
    steps: list[str] = []
    version = found
    while version != SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise StoreError(
                f"The store uses schema version {found}, this clearance understands "
                f"{SCHEMA_VERSION}. Upgrade clearance or use another CLEARANCE_HOME."
            )
        steps.append(version)
        version = MIGRATIONS[version][0]
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and row[0] == SCHEMA_VERSION:  # another process upgraded it meanwhile
            conn.rollback()
            return
        for step in steps:
            _target, migrate = MIGRATIONS[step]
            migrate(conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
        )
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
