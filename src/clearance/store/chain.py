"""The audit chain: the one append-only log of everything a regulator may ask about.

Screenings (command line, HTTP, the book), alerts opened, decided and closed, API key events and
list version activations are records of one chain. Record ``n`` carries the SHA-256 of record
``n - 1``; its own hash covers its position, time, kind, actor, party, data and that previous
hash, written as canonical JSON (sorted keys, no spaces, UTF-8). ``audit_head`` holds the
position and hash of the last record, and :func:`verify` compares it with the chain, so a
record cut from the end is found too. Records are appended inside the caller's write
transaction (``Connection.write``), so a change and its record commit together or not at all;
write transactions are serialised against every other writer of the store, in this process or
another (SQLite's write lock; PostgreSQL's advisory lock, taken at ``BEGIN``), so concurrent
writers, several servers among them, extend ONE chain: each reads the head its predecessor
committed. :func:`verify` reads the chain and its head in one snapshot.

The key store, the list import and the monitoring tables all write here, so this module stands
apart from them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from clearance.errors import StoreError
from clearance.store.base import Connection

#: the hash a first record points back to
GENESIS = "0" * 64

#: record kinds: a screening per channel, then alerts, keys, lists, the book and webhooks
HTTP_SCREENING = "screening.http"
CLI_SCREENING = "screening.cli"
BOOK_SCREENING = "screening.book"
SCREENINGS = (HTTP_SCREENING, CLI_SCREENING, BOOK_SCREENING)

DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS audit_chain (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        party TEXT NOT NULL,
        data TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS audit_chain_party ON audit_chain (party, seq)",
    "CREATE INDEX IF NOT EXISTS audit_chain_kind ON audit_chain (kind, actor, seq)",
    "CREATE INDEX IF NOT EXISTS audit_chain_at ON audit_chain (at)",
    """CREATE TABLE IF NOT EXISTS audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    )""",
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8 (what the chain hashes)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def _loads(text: str | bytes) -> Any:
    return orjson.loads(text)


@dataclass(frozen=True, slots=True)
class ChainRecord:
    """A record to append: what happened (``kind``), who did it, to which book party."""

    kind: str
    data: Mapping[str, Any]
    actor: str = "system"
    party: str = ""
    #: set when appended unless given (a migrated record keeps its time)
    at: str = ""


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """A record in the chain, at position ``seq``."""

    seq: int
    at: str
    kind: str
    actor: str
    party: str
    data: dict[str, Any]
    prev: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "kind": self.kind,
            "actor": self.actor,
            "party": self.party or None,
            "data": self.data,
            "prev": self.prev,
            "hash": self.hash,
        }


def record_hash(seq: int, at: str, kind: str, actor: str, party: str, data: Any, prev: str) -> str:
    """The SHA-256 of a record: its fields and the previous hash, as canonical JSON."""
    body = {
        "seq": seq,
        "at": at,
        "kind": kind,
        "actor": actor,
        "party": party,
        "data": data,
        "prev": prev,
    }
    return hashlib.sha256(canonical(body)).hexdigest()


_CHAIN_COLUMNS = "seq, at, kind, actor, party, data, prev, hash"


def _entry(row: Sequence[Any]) -> ChainEntry:
    return ChainEntry(row[0], row[1], row[2], row[3], row[4], _loads(row[5]), row[6], row[7])


def chain_head(conn: Connection) -> tuple[int, str]:
    """(position, hash) of the last record; (0, GENESIS) for an empty chain."""
    row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def append(conn: Connection, records: Sequence[ChainRecord]) -> list[int]:
    """Append records inside the caller's write transaction; their positions."""
    if not records:
        return []
    if not conn.in_transaction:
        raise StoreError("Audit records are appended inside a write transaction.")
    seq, prev = chain_head(conn)
    rows: list[tuple[int, str, str, str, str, str, str, str]] = []
    stamp = now()
    for record in records:
        seq += 1
        at = record.at or stamp
        data = dict(record.data)
        digest = record_hash(seq, at, record.kind, record.actor, record.party, data, prev)
        rows.append(
            (seq, at, record.kind, record.actor, record.party, canonical(data).decode(), prev,
             digest)
        )  # fmt: skip
        prev = digest
    conn.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        (seq, prev),
    )
    conn.executemany(f"INSERT INTO audit_chain ({_CHAIN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     rows)  # fmt: skip
    return [row[0] for row in rows]


@dataclass(frozen=True)
class ChainQuery:
    """Which records to read: of a party, since a time, of some kinds, by an actor."""

    party: str = ""
    since: str = ""
    kinds: tuple[str, ...] = ()
    actor: str = ""
    limit: int | None = None
    #: newest first (default: in chain order)
    newest_first: bool = False
    after_seq: int = 0
    before_seq: int = 0


def read_chain(conn: Connection, query: ChainQuery) -> list[ChainEntry]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.party:
        clauses.append("party = ?")
        params.append(query.party)
    if query.since:
        clauses.append("at >= ?")
        params.append(query.since)
    if query.kinds:
        clauses.append(f"kind IN ({', '.join('?' * len(query.kinds))})")
        params.extend(query.kinds)
    if query.actor:
        clauses.append("actor = ?")
        params.append(query.actor)
    if query.after_seq:
        clauses.append("seq > ?")
        params.append(query.after_seq)
    if query.before_seq:
        clauses.append("seq < ?")
        params.append(query.before_seq)
    sql = f"SELECT {_CHAIN_COLUMNS} FROM audit_chain"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY seq DESC" if query.newest_first else " ORDER BY seq"
    if query.limit is not None:
        sql += " LIMIT ?"
        params.append(query.limit)
    return [_entry(row) for row in conn.execute(sql, params).fetchall()]


def chain_entries(conn: Connection, seqs: Iterable[int]) -> dict[int, ChainEntry]:
    out: dict[int, ChainEntry] = {}
    wanted = sorted(set(seqs))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        sql = (
            f"SELECT {_CHAIN_COLUMNS} FROM audit_chain WHERE seq IN ({', '.join('?' * len(chunk))})"
        )
        for row in conn.execute(sql, chunk):
            out[int(row[0])] = _entry(row)
    return out


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found: ``ok``, the records checked, the first broken one and why."""

    ok: bool
    records: int
    head: str
    broken: int | None = None
    problem: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "head": self.head,
            "broken": self.broken,
            "problem": self.problem or None,
        }


def _check(row: Sequence[Any], position: int, prev: str) -> str:
    """What is wrong with the record found at ``position`` of the chain ("" when nothing)."""
    seq, at, kind, actor, party, text, link, digest = row
    if seq != position:
        what = "is missing" if seq > position else "appears twice"
        return f"record {position} {what} (the next position is {seq})"
    if link != prev:
        return (
            f"record {seq} does not point at record {seq - 1}: a record before it was edited, "
            "removed or moved"
        )
    try:
        data = _loads(text)
    except orjson.JSONDecodeError:
        return f"record {seq} is not JSON"
    if record_hash(seq, at, kind, actor, party, data, link) != digest:
        return f"record {seq} was changed after it was written"
    return ""


def verify(conn: Connection, expected_head: str = "") -> Verification:
    """Check every record of the chain, in order, and the head row.

    An edited record no longer has its hash; a deleted or moved one breaks the positions and the
    link of the next; a record cut from the end leaves the head row pointing past the chain.
    ``expected_head`` is a hash printed by ``clearance audit head`` and kept elsewhere: it must
    be the hash of a record of the chain."""
    with conn.snapshot():
        return _verify(conn, expected_head)


def _verify(conn: Connection, expected_head: str) -> Verification:
    prev, count = GENESIS, 0
    expected_found = not expected_head
    while rows := conn.execute(
        f"SELECT {_CHAIN_COLUMNS} FROM audit_chain WHERE seq > ? ORDER BY seq LIMIT 2000",
        (count,),
    ).fetchall():
        for row in rows:
            count += 1
            problem = _check(row, count, prev)
            if problem:
                return Verification(False, count - 1, prev, count, problem)
            prev = str(row[7])
            expected_found = expected_found or prev == expected_head
    head_seq, head_hash = chain_head(conn)
    if (head_seq, head_hash) != (count, prev):
        return Verification(
            False,
            count,
            prev,
            count + 1 if head_seq > count else head_seq,
            f"the chain ends at record {count} but its head says record {head_seq}: records "
            "were removed from the end, or the head was edited",
        )
    if not expected_found:
        problem = f"the hash {expected_head} kept elsewhere is not in the chain"
        return Verification(False, count, prev, None, problem)
    return Verification(True, count, prev)
