"""The screening audit trail: who screened what, against which list versions, with what result.

One row per screened query (a ``/match`` batch of three queries gives three rows), so the
question "what did we answer for this name on that day, and on what data?" has one answer.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from clearance.errors import StoreError
from clearance.store.keys import write

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    key_name TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    request_id TEXT NOT NULL,
    query TEXT NOT NULL,
    versions TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    results TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE INDEX IF NOT EXISTS audit_log_key ON audit_log (key_id, at);
"""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One screened query and what was answered."""

    key_id: str
    key_name: str
    endpoint: str
    #: the query as the caller sent it (decoded), e.g. an FtM example or a screening row
    query: Mapping[str, Any]
    #: active list version ids by source at the time of screening
    versions: Mapping[str, str]
    #: profile and scoring algorithm version, e.g. ``balanced/2``
    algorithm: str
    #: what was returned: ``[{"id": entity id, "score": 0.93, "match": true}, ...]``
    results: Sequence[Mapping[str, Any]]
    request_id: str = ""
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="milliseconds"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "key_id": self.key_id,
            "key_name": self.key_name,
            "endpoint": self.endpoint,
            "request_id": self.request_id,
            "query": dict(self.query),
            "versions": dict(self.versions),
            "algorithm": self.algorithm,
            "results": [dict(r) for r in self.results],
        }


class AuditLog:
    """Append-only audit rows in the store's database. Safe to share between threads.

    Each :meth:`record` commits before it returns, so no answer goes out before its audit
    row is durable. (Group commit through a writer thread was tried and measured slower: the
    hand-off waits for the GIL behind the matching threads.)"""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._lock = threading.Lock()
        with self._lock:
            self._db.executescript(_SCHEMA)  # its own transaction (IF NOT EXISTS: idempotent)
        self._closed = False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._db.close()

    def record(self, entries: Sequence[AuditEntry]) -> None:
        """Write entries in one transaction (all or none)."""
        rows = [
            (
                e.at,
                e.key_id,
                e.key_name,
                e.endpoint,
                e.request_id,
                orjson.dumps(e.query, option=orjson.OPT_NON_STR_KEYS).decode(),
                orjson.dumps(e.versions).decode(),
                e.algorithm,
                orjson.dumps(e.results).decode(),
            )
            for e in entries
        ]
        if not rows:
            return
        with self._lock:
            if self._closed:
                raise StoreError("The audit log is closed.")
            with write(self._db):
                self._db.executemany(
                    "INSERT INTO audit_log (at, key_id, key_name, endpoint, request_id, query,"
                    " versions, algorithm, results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )

    def entries(self, limit: int = 100, key_id: str | None = None) -> list[AuditEntry]:
        """The latest entries, newest first."""
        sql = (
            "SELECT at, key_id, key_name, endpoint, request_id, query, versions, algorithm,"
            " results FROM audit_log"
        )
        params: list[Any] = []
        if key_id is not None:
            sql += " WHERE key_id = ?"
            params.append(key_id)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [
            AuditEntry(
                at=r[0],
                key_id=r[1],
                key_name=r[2],
                endpoint=r[3],
                request_id=r[4],
                query=orjson.loads(r[5]),
                versions=orjson.loads(r[6]),
                algorithm=r[7],
                results=orjson.loads(r[8]),
            )
            for r in rows
        ]
