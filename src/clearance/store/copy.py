"""Copying a whole store into another: a SQLite store into PostgreSQL when a team outgrows one
machine (or back, for a copy to inspect offline).

Everything is copied as it is, row for row: every list version and its records, the book,
alerts and decisions, keys, users and the audit chain, whose hashes stay valid because the rows
do not change. The target must be a new, empty store; it is written in one transaction, so a
copy that fails leaves it empty. Afterwards the row counts of every table and the audit chain
are checked on the target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from clearance.errors import StoreError
from clearance.settings import is_postgres, redact
from clearance.store import chain
from clearance.store.base import Connection
from clearance.store.schema import TABLES, open_database

#: rows read and written per statement
BATCH = 2000

_TABLE = re.compile(r"^\s*CREATE TABLE IF NOT EXISTS (\w+)\s*\((.*)\)[^)]*$", re.DOTALL)
_CONSTRAINTS = frozenset({"PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"})
#: tables whose rows say the store holds something (a copy only goes into a store without them)
_CONTENT = ("versions", "audit_chain", "book_parties", "api_keys", "users", "ownership_files")


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    #: the integer key a backend generates (``INTEGER PRIMARY KEY``), if the table has one
    key: str = ""


@dataclass
class CopyReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    chain_records: int = 0
    chain_head: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "rows": self.rows,
            "chain": {"records": self.chain_records, "head": self.chain_head},
        }


def _parts(body: str) -> list[str]:
    """The comma-separated parts of a CREATE TABLE body, commas inside brackets kept."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(body):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(body[start:position])
            start = position + 1
    parts.append(body[start:])
    return [part.strip() for part in parts if part.strip()]


def tables() -> list[Table]:
    """Every table of the store with its columns, in creation order (parents before the tables
    that refer to them), read from the schema's own statements."""
    found = []
    for statement in TABLES:
        match = _TABLE.match(statement)
        if match is None:
            continue
        columns, key = [], ""
        for part in _parts(match.group(2)):
            word = part.split()[0]
            if word.upper() in _CONSTRAINTS:
                continue
            columns.append(word)
            if "INTEGER PRIMARY KEY" in part:
                key = word
        found.append(Table(match.group(1), tuple(columns), key))
    return found


def _rows(conn: Connection, table: Table) -> Any:
    """The table's rows in batches; keyed tables page by their key, so a backend that reads a
    statement's rows at once never holds more than a batch."""
    names = ", ".join(table.columns)
    if not table.key:
        result = conn.execute(f"SELECT {names} FROM {table.name}")
        while batch := result.fetchmany(BATCH):
            yield batch
        return
    position = table.columns.index(table.key)
    last: int | None = None
    while True:
        if last is None:
            sql = f"SELECT {names} FROM {table.name} ORDER BY {table.key} LIMIT ?"
            batch = conn.execute(sql, (BATCH,)).fetchall()
        else:
            sql = (
                f"SELECT {names} FROM {table.name} WHERE {table.key} > ?"
                f" ORDER BY {table.key} LIMIT ?"
            )
            batch = conn.execute(sql, (last, BATCH)).fetchall()
        if not batch:
            return
        yield batch
        last = batch[-1][position]


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _refuse_unless_empty(target: Connection, location: str) -> None:
    held = [table for table in _CONTENT if _count(target, table)]
    if held:
        raise StoreError(
            f"The store {location} is not empty (it holds {', '.join(held)}): a store is copied"
            " only into a new one. Name a new SQLite file or an empty PostgreSQL database."
        )


def copy_store(source_location: str, target_location: str, actor: str = "system") -> CopyReport:
    """Copy the store at ``source_location`` into the new store at ``target_location``
    (each a SQLite file path or a ``postgresql://`` URL); both are created or upgraded to the
    current schema first. Raises :class:`StoreError` when the target is not empty or the copy
    does not check out. The target's audit chain then records the copy (``store.copied``, by
    ``actor``), after the records it was given."""
    report = CopyReport(redact(source_location), redact(target_location))
    if source_location == target_location:
        raise StoreError("A store cannot be copied into itself: name another store.")
    source = open_database(source_location)
    try:
        target = open_database(target_location)
        try:
            _refuse_unless_empty(target, report.target)
            with source.snapshot(), target.write():
                for table in tables():
                    _copy_table(source, target, table, is_postgres(target_location))
            _check(source, target, report)
            with target.write():
                record = {"from": report.source, "rows": report.rows}
                chain.append(target, [chain.ChainRecord("store.copied", record, actor=actor)])
            report.chain_records, report.chain_head = chain.chain_head(target)
        finally:
            target.close()
    finally:
        source.close()
    return report


def _copy_table(source: Connection, target: Connection, table: Table, postgres: bool) -> None:
    names = ", ".join(table.columns)
    marks = ", ".join("?" for _ in table.columns)
    insert = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    if table.name == "meta":
        # the target wrote its own schema version when it was created
        insert += " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    for batch in _rows(source, table):
        target.executemany(insert, [tuple(row) for row in batch])
    if postgres and table.key:
        # rows came with their keys: the identity must go on after the largest of them
        target.execute(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{table.key}'),"
            f" (SELECT COALESCE(max({table.key}), 0) + 1 FROM {table.name}), false)"
        )


def _check(source: Connection, target: Connection, report: CopyReport) -> None:
    for table in tables():
        expected, found = _count(source, table.name), _count(target, table.name)
        if expected != found:
            raise StoreError(
                f"The copy of table {table.name} holds {found} rows, not {expected}:"
                f" the store {report.target} is not a faithful copy."
            )
        report.rows[table.name] = found
    seq, head = chain.chain_head(source)
    verification = chain.verify(target, head if seq else "")
    if not verification.ok:
        raise StoreError(
            f"The audit chain copied into {report.target} does not verify: {verification.problem}"
        )
