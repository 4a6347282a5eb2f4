"""Upgrades of stores written by older schemata, run by ``schema.ensure_schema`` on open.

Each step takes the store from one schema version to the next inside the caller's transaction,
so a failed upgrade leaves the store as it was.

1 -> 2:
  * versions are numbered per source (``versions.number``: 1, 2, 3... in import order), and
    the version ids the audit trail recorded become those numbers;
  * FollowTheMoney data, held until then as the one source ``ftm``, becomes the source
    ``ftm:<dataset>`` of the dataset it holds (named as a load names it now, from its
    entities' datasets or its file's name; ``ftm:default`` when neither names one). Its
    records are rewritten with the new entity ids, so what was active stays active.

2 -> 3:
  * the monitoring tables and the audit chain are created;
  * the rows of the screening audit log (``audit_log``) become the chain's first records, in
    their order and with their times, and the table goes: the chain is the one audit log.

3 -> 4:
  * the tables of API keys, users and sessions, and ownership files, created until then by
    the objects that used them, are part of the schema (created here when missing).

4 -> 5:
  * a party of the book keeps two drift budgets, one for ranks rising to the coverage cut
    (``budget``) and one for its matches' ranks falling under it (``fall_budget``); a party
    screened before keeps its one budget as both (it was charged for moves either way).

Steps run over the store's :class:`~clearance.store.base.Connection`, so each runs on either
backend (PostgreSQL stores start at schema 4; later steps are written for both).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from clearance.ftm_names import FTM, PREFIX, dataset_name, valid_name
from clearance.model import Entity
from clearance.store import chain, codec, keys, monitor, ownership, users
from clearance.store.base import Connection

Migration = Callable[[Connection], None]


def _number_versions(conn: Connection) -> dict[int, int]:
    """Add ``versions.number``; returns version key -> number."""
    conn.execute("ALTER TABLE versions ADD COLUMN number INTEGER NOT NULL DEFAULT 0")
    numbers: dict[int, int] = {}
    counts: dict[str, int] = {}
    for key, source in conn.execute("SELECT id, source FROM versions ORDER BY id").fetchall():
        counts[source] = counts.get(source, 0) + 1
        numbers[key] = counts[source]
    conn.executemany(
        "UPDATE versions SET number = ? WHERE id = ?", [(n, k) for k, n in numbers.items()]
    )
    conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS versions_number ON versions(source, number)")
    return numbers


def _ftm_dataset(conn: Connection) -> str:
    """The dataset the store's ``ftm`` versions hold (from the active, else the latest one)."""
    row = conn.execute(
        "SELECT id, files FROM versions WHERE source = ? ORDER BY active DESC, id DESC LIMIT 1",
        (FTM,),
    ).fetchone()
    if row is None:
        return ""
    files = [Path(str(f)) for f in orjson.loads(row[1]) if isinstance(f, str)]
    datasets: list[list[str]] = []
    for (blob,) in conn.execute(
        "SELECT r.data FROM current c JOIN records r ON r.id = c.record_id WHERE c.source = ?",
        (FTM,),
    ):
        found = codec.decode_entity(blob).record.get("datasets")
        if isinstance(found, list):
            datasets.append([str(d) for d in found])
    name = dataset_name(datasets, files) if files or datasets else ""
    return name if valid_name(name) else "default"


def _relink(value: Any, old: str, new: str) -> Any:
    """A relation value with ``ftm:`` entity ids moved to ``ftm:<dataset>:``."""
    if isinstance(value, str) and value.startswith(old):
        return new + value[len(old) :]
    return value


def _rewrite(entity: Entity, source: str) -> Entity:
    entity.source = source
    relations = entity.record.get("relations")
    if isinstance(relations, list):
        entity.record["relations"] = [
            {k: _relink(v, FTM + ":", source + ":") if k != "id" else v for k, v in rel.items()}
            if isinstance(rel, dict)
            else rel
            for rel in relations
        ]
    return entity


def _split_ftm(conn: Connection) -> None:
    """Move the versions of ``ftm`` to ``ftm:<dataset>`` with entity ids to match."""
    dataset = _ftm_dataset(conn)
    if not dataset:
        return
    source = PREFIX + dataset
    hashes: dict[int, bytes] = {}
    rows = conn.execute("SELECT id, data FROM records WHERE source = ?", (FTM,)).fetchall()
    for record_id, blob in rows:
        entity = _rewrite(codec.decode_entity(blob), source)
        data = codec.canonical_bytes(entity)
        hashes[record_id] = codec.record_hash(data)
        conn.execute(
            "UPDATE records SET hash = ?, source = ?, entity_id = ?, data = ? WHERE id = ?",
            (hashes[record_id], source, entity.id, codec.compress(data), record_id),
        )
    for key, members in conn.execute(
        "SELECT id, members FROM versions WHERE source = ?", (FTM,)
    ).fetchall():
        ids = codec.unpack_ids(members)
        members_hash = codec.members_hash([hashes[i] for i in ids if i in hashes])
        conn.execute(
            "UPDATE versions SET source = ?, members_hash = ? WHERE id = ?",
            (source, members_hash, key),
        )
    current = conn.execute(
        "SELECT entity_id, record_id FROM current WHERE source = ?", (FTM,)
    ).fetchall()
    conn.execute("DELETE FROM current WHERE source = ?", (FTM,))
    conn.executemany(
        "INSERT INTO current(entity_id, record_id, source) VALUES (?, ?, ?)",
        [(source + entity_id[len(FTM) :], record_id, source) for entity_id, record_id in current],
    )
    conn.execute("UPDATE fetch_state SET source = ? WHERE source = ?", (source, FTM))
    _rename_in_audit(conn, source)


def _audit_rows(conn: Connection) -> list[tuple[int, str]]:
    if not conn.table_exists("audit_log"):  # no audit trail yet
        return []
    rows: list[tuple[int, str]] = conn.execute("SELECT id, versions FROM audit_log").fetchall()
    return rows


def _renumber_audit(conn: Connection, numbers: dict[int, int]) -> None:
    """Version ids recorded by the audit trail -> the per-source numbers."""
    updates: list[tuple[str, int]] = []
    for row_id, text in _audit_rows(conn):
        versions = orjson.loads(text)
        if not isinstance(versions, dict):
            continue
        renumbered = {
            source: str(numbers.get(int(v), v)) if str(v).isdigit() else v
            for source, v in versions.items()
        }
        if renumbered != versions:
            updates.append((orjson.dumps(renumbered).decode(), row_id))
    conn.executemany("UPDATE audit_log SET versions = ? WHERE id = ?", updates)


def _rename_in_audit(conn: Connection, source: str) -> None:
    updates: list[tuple[str, int]] = []
    for row_id, text in _audit_rows(conn):
        versions = orjson.loads(text)
        if isinstance(versions, dict) and FTM in versions:
            versions[source] = versions.pop(FTM)
            updates.append((orjson.dumps(versions).decode(), row_id))
    conn.executemany("UPDATE audit_log SET versions = ? WHERE id = ?", updates)


def to_2(conn: Connection) -> None:
    numbers = _number_versions(conn)
    _renumber_audit(conn, numbers)
    _split_ftm(conn)


def legacy_screening(row: tuple[Any, ...]) -> chain.ChainRecord:
    """A row of the old ``audit_log`` as the chain record of an HTTP screening."""
    at, key_id, key_name, endpoint, request_id, query, versions, algorithm, results = row
    data = {
        "key_id": key_id,
        "key_name": key_name,
        "endpoint": endpoint,
        "request_id": request_id,
        "query": orjson.loads(query),
        "versions": orjson.loads(versions),
        "algorithm": algorithm,
        "results": orjson.loads(results),
    }
    return chain.ChainRecord(chain.HTTP_SCREENING, data, actor=key_id, at=at)


def _create(conn: Connection, statements: tuple[str, ...]) -> None:
    for statement in statements:
        conn.execute(conn.ddl(statement))


def to_3(conn: Connection) -> None:
    _create(conn, chain.DDL)
    _create(conn, monitor.DDL)
    if not conn.table_exists("audit_log"):  # no audit log: nothing to move
        return
    last = 0
    while True:
        rows = conn.execute(
            "SELECT id, at, key_id, key_name, endpoint, request_id, query, versions,"
            " algorithm, results FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000",
            (last,),
        ).fetchall()
        if not rows:
            break
        chain.append(conn, [legacy_screening(tuple(row[1:])) for row in rows])
        last = rows[-1][0]
    conn.execute("DROP TABLE audit_log")


def to_4(conn: Connection) -> None:
    _create(conn, keys.DDL)
    _create(conn, users.DDL)
    _create(conn, ownership.DDL)


def to_5(conn: Connection) -> None:
    # a store upgraded from schema 2 made its book with this schema's table: nothing to add
    if "fall_budget" in conn.columns("book_parties"):
        return
    conn.execute(
        conn.ddl("ALTER TABLE book_parties ADD COLUMN fall_budget REAL NOT NULL DEFAULT 0")
    )
    conn.execute("UPDATE book_parties SET fall_budget = budget")


#: found schema version -> (the version it upgrades to, the step)
MIGRATIONS: dict[str, tuple[str, Migration]] = {
    "1": ("2", to_2),
    "2": ("3", to_3),
    "3": ("4", to_4),
    "4": ("5", to_5),
}
