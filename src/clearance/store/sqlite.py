"""The SQLite backend of the store: one file in WAL mode (the embedded default).

A write transaction is ``BEGIN IMMEDIATE``: it takes the database's one write lock at its
start, waiting for it (a deferred transaction that first reads and then writes would fail at
once with "database is locked" when another process wrote in between). Readers are never
blocked and see the last committed state. Statements outside a transaction commit on their own.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from clearance.errors import StoreError

#: seconds a writer waits for the write lock before giving up
BUSY_TIMEOUT = 30.0


class SqliteConnection:
    """A :class:`~clearance.store.base.Connection` over one ``sqlite3`` connection.

    The connection may be used from several threads; callers that share it serialise their
    statements and transactions (each store object holds a lock)."""

    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection, path: str) -> None:
        self.raw = raw
        self.path = path

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.raw.execute(sql, params)
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):  # a bug, not the store
            raise
        except sqlite3.DatabaseError as exc:  # locked too long, disk full, not a database...
            raise StoreError(f"The store {self.path} is unusable: {exc}.") from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            self.raw.executemany(sql, rows)
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):  # a bug, not the store
            raise
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"The store {self.path} is unusable: {exc}.") from exc

    @contextmanager
    def write(self) -> Iterator[SqliteConnection]:
        if self.raw.in_transaction:
            raise StoreError("The store connection has an open transaction; commit it first.")
        self.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.raw.rollback()
            raise
        self.raw.commit()

    @contextmanager
    def snapshot(self) -> Iterator[SqliteConnection]:
        if self.raw.in_transaction:  # already inside one: it is the snapshot
            yield self
            return
        self.execute("BEGIN")
        try:
            yield self
        finally:
            self.raw.rollback()

    def table_exists(self, name: str) -> bool:
        row = self.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    def columns(self, table: str) -> list[str]:
        rows = self.execute("SELECT name FROM pragma_table_info(?)", (table,)).fetchall()
        return [str(row[0]) for row in rows]

    def ddl(self, statement: str) -> str:
        return statement

    def close(self) -> None:
        self.raw.close()


def connect(location: str) -> SqliteConnection:
    """A connection to the SQLite store file at ``location`` (created with its folder)."""
    path = Path(location)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT, check_same_thread=False, isolation_level=None
        )
        raw.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA foreign_keys=ON")
    except (OSError, sqlite3.DatabaseError) as exc:
        raise StoreError(
            f"Cannot open the store {path}: {exc}. Check CLEARANCE_HOME and its permissions."
        ) from exc
    return SqliteConnection(raw, str(path))


@contextmanager
def hold(path: str, name: str) -> Iterator[bool]:
    """The lock ``name`` of the SQLite store at ``path``: a file lock beside the database
    file, taken without waiting (see :func:`clearance.store.base.hold`)."""
    lock_path = Path(f"{path}.{name}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
