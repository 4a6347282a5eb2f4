"""Screenings in the audit chain: who screened what, against which list versions, with what
result (over HTTP: :class:`AuditLog`; on the command line: :class:`BatchAudit`).

One chain record per screened query (a ``/match`` batch of three queries gives three records),
so the question "what did we answer for this name on that day, and on what data?" has one
answer. The records are those of the one audit chain (``chain.py``), kind ``screening.http``;
this module is the HTTP API's view of them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from clearance.errors import StoreError
from clearance.store.base import Connection
from clearance.store.chain import (
    CLI_SCREENING,
    HTTP_SCREENING,
    ChainQuery,
    ChainRecord,
    append,
    now,
    read_chain,
)


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
    at: str = field(default_factory=now)
    #: position of the record in the audit chain (0 until written)
    seq: int = 0

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

    def record(self) -> ChainRecord:
        data = self.to_dict()
        del data["at"]
        return ChainRecord(HTTP_SCREENING, data, actor=self.key_id, at=self.at)


class AuditLog:
    """HTTP screenings appended to the audit chain. Safe to share between threads.

    Each :meth:`record` commits before it returns, so no answer goes out before its audit
    record is durable. (Group commit through a writer thread was tried and measured slower:
    the hand-off waits for the GIL behind the matching threads.)"""

    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._db.close()

    def record(self, entries: Sequence[AuditEntry]) -> None:
        """Write entries in one transaction (all or none)."""
        if not entries:
            return
        records = [entry.record() for entry in entries]
        with self._lock:
            if self._closed:
                raise StoreError("The audit log is closed.")
            with self._db.write() as conn:
                append(conn, records)

    def entries(self, limit: int = 100, key_id: str | None = None) -> list[AuditEntry]:
        """The latest entries, newest first."""
        query = ChainQuery(
            kinds=(HTTP_SCREENING,), actor=key_id or "", limit=limit, newest_first=True
        )
        with self._lock:
            found = read_chain(self._db, query)
        return [
            AuditEntry(
                key_id=e.data["key_id"],
                key_name=e.data["key_name"],
                endpoint=e.data["endpoint"],
                request_id=e.data["request_id"],
                query=e.data["query"],
                versions=e.data["versions"],
                algorithm=e.data["algorithm"],
                results=e.data["results"],
                at=e.at,
                seq=e.seq,
            )
            for e in found
        ]


class BatchAudit:
    """Screenings of the command line appended to the audit chain: one record per ``size``
    rows of a file (``clearance screen``), or one per query (``clearance search``), each
    with the list versions and the algorithm used and what each row matched."""

    def __init__(
        self,
        connection: Connection,
        context: Mapping[str, Any],
        actor: str,
        size: int = 1000,
    ) -> None:
        self._db = connection
        self.context, self.actor, self.size = dict(context), actor, size
        self._rows: list[dict[str, Any]] = []

    def add(self, row: Mapping[str, Any]) -> None:
        self._rows.append(dict(row))
        if len(self._rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        data = {**self.context, "rows": self._rows}
        with self._db.write() as conn:
            append(conn, [ChainRecord(CLI_SCREENING, data, actor=self.actor)])
        self._rows = []

    def close(self) -> None:
        self.flush()
        self._db.close()
