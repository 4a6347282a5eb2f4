"""The contract between the store and its database: what every backend implements.

The store (list versions, records, keys, users, the book, alerts, the audit chain) is written
once, in plain SQL that SQLite and PostgreSQL both run, over a :class:`Connection`. A backend
(``sqlite.py``, ``postgres.py``) implements it: statements with ``?`` placeholders, write
transactions that are serialised against every other writer of the store (SQLite's write lock;
a PostgreSQL advisory lock taken at ``BEGIN``), read snapshots, and the few things the two
dialects spell differently (the DDL's types, whether a table exists).

:func:`connect` opens the backend a location names: a ``postgresql://`` URL, or a SQLite file.
The PostgreSQL backend is imported only then, so its driver is needed only by those who use it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from clearance.settings import is_postgres
from clearance.store.sqlite import connect as connect_sqlite


class Rows(Protocol):
    """The result of one statement."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A connection to the store's database, shareable between threads.

    Outside :meth:`write` and :meth:`snapshot` each statement commits on its own. Inside
    them, statements of the calling thread belong to that transaction."""

    #: ``sqlite`` or ``postgresql``
    dialect: str

    @property
    def in_transaction(self) -> bool:
        """Whether the calling thread has a transaction open on this connection."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def write(self) -> AbstractContextManager[Connection]:
        """A write transaction, serialised against every other writer of the store (in this
        process or another); committed at the end, rolled back on an error."""
        ...

    def snapshot(self) -> AbstractContextManager[Connection]:
        """A read-only transaction: its statements see one state of the store."""
        ...

    def table_exists(self, name: str) -> bool: ...

    def columns(self, table: str) -> list[str]:
        """The names of a table's columns (none when it does not exist)."""
        ...

    def ddl(self, statement: str) -> str:
        """A ``CREATE`` statement written for SQLite, in this backend's dialect."""
        ...

    def close(self) -> None: ...


def connect(location: str) -> Connection:
    """A connection to the store at ``location``: a PostgreSQL URL or a SQLite file path."""
    if is_postgres(location):
        from clearance.store.postgres import connect as connect_postgres

        return connect_postgres(location)
    return connect_sqlite(location)


def hold(location: str, name: str) -> AbstractContextManager[bool]:
    """Hold the lock ``name`` of the store at ``location`` while the block runs, if no other
    process (or host) holds it: the block gets whether it does, and never waits. One lock per
    store, whichever machine runs the holder: a PostgreSQL session advisory lock on a
    connection of its own, or for SQLite a file lock beside the database file."""
    if is_postgres(location):
        from clearance.store.postgres import hold as hold_postgres

        return hold_postgres(location, name)
    from clearance.store.sqlite import hold as hold_sqlite

    return hold_sqlite(location, name)
