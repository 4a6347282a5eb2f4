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
``api_keys`` (``keys.py``), ``users``, ``user_sessions`` (``users.py``), ``ownership_files``,
``ownership_links``, ``ownership_parties`` (``ownership.py``).

The statements are SQLite's; each backend translates its types (``Connection.ddl``). A store
written by an older schema is upgraded in place, in one transaction, on open (``migrate.py``),
whichever the backend.
"""

from __future__ import annotations

from clearance.errors import StoreError
from clearance.store import chain, keys, monitor, ownership, users
from clearance.store.base import Connection, connect
from clearance.store.migrate import MIGRATIONS

SCHEMA_VERSION = "5"

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


#: every table of the store, in creation order
TABLES: tuple[str, ...] = (
    *(statement for statement in DDL.split(";") if statement.strip()),
    *chain.DDL,
    *monitor.DDL,
    *keys.DDL,
    *users.DDL,
    *ownership.DDL,
)


def open_database(location: str) -> Connection:
    """A connection to the store at ``location`` (a PostgreSQL URL or a SQLite file), its
    schema created or upgraded."""
    conn = connect(location)
    try:
        ensure_schema(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _schema_version(conn: Connection) -> str | None:
    if not conn.table_exists("meta"):
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return None if row is None else str(row[0])


def ensure_schema(conn: Connection) -> None:
    """Create the tables if missing, upgrade an older schema; refuse a newer one.

    Done in a write transaction, so that several processes opening a new store at once
    create it once."""
    if _schema_version(conn) == SCHEMA_VERSION:
        return
    with conn.write():
        found = _schema_version(conn)
        if found == SCHEMA_VERSION:  # another process got there first
            return
        if found is None:
            for statement in TABLES:
                conn.execute(conn.ddl(statement))
        else:
            _upgrade(conn, found)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('schema', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (SCHEMA_VERSION,),
        )


def _upgrade(conn: Connection, found: str) -> None:
    """Bring a store of an older schema up to this one (in the caller's transaction)."""
    version = found
    while version != SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise StoreError(
                f"The store uses schema version {found}, this clearance understands "
                f"{SCHEMA_VERSION}. Upgrade clearance or use another store."
            )
        version, migrate = MIGRATIONS[version]
        migrate(conn)
