"""The monitoring tables: the party book, alerts and decisions, webhooks and their deliveries.

A small typed interface over plain SQL that both backends run (``base.py``). Every change a
regulator cares about is written in the same transaction as its audit record
(``store/chain.py``): the write methods take the connection of the caller's transaction.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson

from clearance.errors import NotFoundError, StoreError
from clearance.store.base import Connection
from clearance.store.chain import (
    ChainEntry,
    ChainQuery,
    ChainRecord,
    Verification,
    append,
    canonical,
    chain_entries,
    chain_head,
    read_chain,
    verify,
)

DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS book_parties (
        reference TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        screened_at TEXT NOT NULL DEFAULT '',
        screened_step INTEGER NOT NULL DEFAULT 0,
        budget REAL NOT NULL DEFAULT 0,
        weight_floor REAL NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        fall_budget REAL NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS book_parties_budget ON book_parties (budget)",
    """CREATE TABLE IF NOT EXISTS alerts (
        id INTEGER PRIMARY KEY,
        party TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        source TEXT NOT NULL,
        source_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        opened_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        state TEXT NOT NULL,
        score REAL NOT NULL,
        hit TEXT NOT NULL,
        party_fingerprint TEXT NOT NULL,
        entity_fingerprint TEXT NOT NULL,
        listing_fingerprint TEXT NOT NULL,
        previous INTEGER,
        closed_at TEXT NOT NULL DEFAULT '',
        closed_reason TEXT NOT NULL DEFAULT '',
        chain_seq INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS alerts_party ON alerts (party, entity_id, id)",
    "CREATE INDEX IF NOT EXISTS alerts_entity ON alerts (entity_id)",
    "CREATE INDEX IF NOT EXISTS alerts_state ON alerts (state, id)",
    # one live alert per (party, listed entity)
    "CREATE UNIQUE INDEX IF NOT EXISTS alerts_live ON alerts (party, entity_id)"
    " WHERE closed_at = ''",
    """CREATE TABLE IF NOT EXISTS decisions (
        id INTEGER PRIMARY KEY,
        alert INTEGER NOT NULL REFERENCES alerts (id),
        decision TEXT NOT NULL,
        reason TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        role TEXT NOT NULL,
        at TEXT NOT NULL,
        chain_seq INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS decisions_alert ON decisions (alert, id)",
    """CREATE TABLE IF NOT EXISTS webhooks (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id INTEGER PRIMARY KEY,
        webhook INTEGER NOT NULL REFERENCES webhooks (id),
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at TEXT NOT NULL,
        last_status INTEGER,
        last_error TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        delivered_at TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_at)",
    """CREATE TABLE IF NOT EXISTS monitor_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)


def _loads(text: str | bytes) -> Any:
    return orjson.loads(text)


# -- the book -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyRow:
    """A party of the book as stored."""

    reference: str
    data: dict[str, Any]
    fingerprint: str
    added_at: str
    updated_at: str
    screened_at: str = ""
    screened_step: int = 0
    #: the monitor's drift budgets of the party's last screening (``monitor/drift.py``): for
    #: ranks rising to the coverage cut, and for the ranks of its matches falling under it
    budget: float = 0.0
    weight_floor: float = 0.0
    #: why the party could not be screened (no usable name), else ""
    error: str = ""
    fall_budget: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "data": self.data,
            "fingerprint": self.fingerprint,
            "added_at": self.added_at,
            "updated_at": self.updated_at,
            "screened_at": self.screened_at or None,
            "error": self.error or None,
        }


_PARTY_COLUMNS = (
    "reference, data, fingerprint, added_at, updated_at, screened_at, screened_step, budget,"
    " weight_floor, error, fall_budget"
)


def _party(row: Sequence[Any]) -> PartyRow:
    return PartyRow(row[0], _loads(row[1]), *row[2:])


@dataclass(frozen=True, slots=True)
class Screened:
    """What a screening of a party leaves on its row."""

    reference: str
    at: str
    step: int
    #: the drift at which a rank under the coverage cut may reach it, and one of a match's
    #: ranks fall under it (infinite without a match)
    budget: float
    fall_budget: float
    weight_floor: float
    error: str = ""


# -- alerts and decisions -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    party: str
    entity_id: str
    source: str
    source_id: str
    version: int
    opened_at: str
    reason: str
    state: str
    score: float
    hit: dict[str, Any]
    party_fingerprint: str
    entity_fingerprint: str
    listing_fingerprint: str
    previous: int | None
    closed_at: str
    closed_reason: str
    chain_seq: int

    @property
    def live(self) -> bool:
        return not self.closed_at


_ALERT_COLUMNS = (
    "id, party, entity_id, source, source_id, version, opened_at, reason, state, score, hit,"
    " party_fingerprint, entity_fingerprint, listing_fingerprint, previous, closed_at,"
    " closed_reason, chain_seq"
)


def _alert(row: Sequence[Any]) -> AlertRow:
    values = list(row)
    values[10] = _loads(values[10])
    return AlertRow(*values)


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert to open (its id and chain position are given by the store)."""

    party: str
    entity_id: str
    source: str
    source_id: str
    version: int
    reason: str
    state: str
    score: float
    hit: Mapping[str, Any]
    party_fingerprint: str
    entity_fingerprint: str
    listing_fingerprint: str
    previous: int | None = None


@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: int
    alert: int
    decision: str
    reason: str
    decided_by: str
    role: str
    at: str
    chain_seq: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "decision": self.decision,
            "reason": self.reason,
            "by": self.decided_by,
            "role": self.role,
            "at": self.at,
            "chain_seq": self.chain_seq,
        }


#: how a page of alerts may be ordered
ALERT_ORDERS = {"oldest": "id", "newest": "id DESC", "score": "score DESC, id"}


@dataclass(frozen=True)
class AlertQuery:
    """Which alerts: every filter is applied in SQL before the order, offset and limit."""

    states: tuple[str, ...] = ()
    party: str = ""
    entity_id: str = ""
    live: bool | None = None
    limit: int | None = None
    after_id: int = 0
    #: the list (source id) of the listed entity
    source: str = ""
    min_score: float = 0.0
    #: opened before / at or after these times (ISO 8601 UTC, as ``opened_at`` is written)
    opened_before: str = ""
    opened_after: str = ""
    offset: int = 0
    #: a key of :data:`ALERT_ORDERS`
    order: str = "oldest"


# -- webhooks -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebhookRow:
    id: int
    url: str
    events: tuple[str, ...]
    secret: str
    created_at: str
    created_by: str
    active: bool

    def to_dict(self) -> dict[str, Any]:
        """Everything but the secret."""
        return {
            "id": self.id,
            "url": self.url,
            "events": list(self.events),
            "created_at": self.created_at,
            "created_by": self.created_by,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    webhook: int
    event: str
    payload: str
    state: str
    attempts: int
    next_at: str
    last_status: int | None
    last_error: str
    created_at: str
    delivered_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "webhook": self.webhook,
            "event": self.event,
            "state": self.state,
            "attempts": self.attempts,
            "next_at": self.next_at,
            "last_status": self.last_status,
            "last_error": self.last_error or None,
            "created_at": self.created_at,
            "delivered_at": self.delivered_at or None,
        }


_DELIVERY_COLUMNS = (
    "id, webhook, event, payload, state, attempts, next_at, last_status, last_error,"
    " created_at, delivered_at"
)


@dataclass
class MonitorStore:
    """The monitoring tables over one connection (the store's, or one of its own). Safe to
    share between threads: statements run under one lock, writes in :meth:`write`."""

    connection: Connection
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction, serialised against every other writer of the store."""
        with self._lock, self.connection.write() as conn:
            yield conn

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self.connection.execute(sql, params).fetchall()

    # -- chain ------------------------------------------------------------------------------

    def append(self, records: Sequence[ChainRecord]) -> list[int]:
        """Append records in a transaction of their own."""
        with self.write() as conn:
            return append(conn, records)

    def chain(self, query: ChainQuery) -> list[ChainEntry]:
        with self._lock:
            return read_chain(self.connection, query)

    def chain_entries(self, seqs: Iterable[int]) -> dict[int, ChainEntry]:
        with self._lock:
            return chain_entries(self.connection, seqs)

    def head(self) -> tuple[int, str]:
        with self._lock:
            return chain_head(self.connection)

    def verify(self, expected_head: str = "") -> Verification:
        with self._lock:
            return verify(self.connection, expected_head)

    # -- book -------------------------------------------------------------------------------

    def party(self, reference: str) -> PartyRow:
        rows = self._rows(
            f"SELECT {_PARTY_COLUMNS} FROM book_parties WHERE reference = ?", (reference,)
        )
        if not rows:
            raise NotFoundError(f"No party {reference!r} in the book.")
        return _party(rows[0])

    def parties(self, references: Iterable[str] | None = None) -> list[PartyRow]:
        """Parties by reference (every party when None), in reference order."""
        if references is None:
            rows = self._rows(f"SELECT {_PARTY_COLUMNS} FROM book_parties ORDER BY reference")
            return [_party(row) for row in rows]
        wanted = sorted(set(references))
        out: list[PartyRow] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(
                f"SELECT {_PARTY_COLUMNS} FROM book_parties WHERE reference IN ({marks})"
                " ORDER BY reference",
                chunk,
            )
            out.extend(_party(row) for row in rows)
        return out

    def parties_page(self, limit: int, offset: int = 0) -> list[PartyRow]:
        rows = self._rows(
            f"SELECT {_PARTY_COLUMNS} FROM book_parties ORDER BY reference LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_party(row) for row in rows]

    def live_counts(self, references: Iterable[str]) -> dict[str, int]:
        """reference -> number of live alerts (parties without any left out)."""
        wanted = sorted(set(references))
        out: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(
                f"SELECT party, COUNT(*) FROM alerts WHERE closed_at = '' AND party IN ({marks})"
                " GROUP BY party",
                chunk,
            )
            out.update((row[0], int(row[1])) for row in rows)
        return out

    def fingerprints(self) -> dict[str, str]:
        """reference -> fingerprint of every party (what an import compares with)."""
        return dict(self._rows("SELECT reference, fingerprint FROM book_parties"))

    def party_count(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM book_parties")[0][0])

    @staticmethod
    def put_parties(conn: Connection, parties: Sequence[PartyRow]) -> None:
        """Insert or replace parties (their data and fingerprint; screening state kept)."""
        conn.executemany(
            "INSERT INTO book_parties (reference, data, fingerprint, added_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (reference) DO UPDATE SET data = excluded.data,"
            " fingerprint = excluded.fingerprint, updated_at = excluded.updated_at",
            [
                (p.reference, canonical(p.data).decode(), p.fingerprint, p.added_at, p.updated_at)
                for p in parties
            ],
        )

    @staticmethod
    def delete_parties(conn: Connection, references: Sequence[str]) -> None:
        conn.executemany("DELETE FROM book_parties WHERE reference = ?", [(r,) for r in references])

    @staticmethod
    def mark_screened(conn: Connection, screened: Sequence[Screened]) -> None:
        conn.executemany(
            "UPDATE book_parties SET screened_at = ?, screened_step = ?, budget = ?,"
            " fall_budget = ?, weight_floor = ?, error = ? WHERE reference = ?",
            [
                (s.at, s.step, s.budget, s.fall_budget, s.weight_floor, s.error, s.reference)
                for s in screened
            ],
        )

    def budgets(self) -> dict[str, tuple[float, float]]:
        """reference -> (drift budget, weight floor) of every party that was screened."""
        rows = self._rows(
            "SELECT reference, budget, weight_floor FROM book_parties WHERE screened_at <> ''"
        )
        return {row[0]: (float(row[1]), float(row[2])) for row in rows}

    def fall_budgets(self) -> dict[str, float]:
        """reference -> the drift budget for its matches' ranks falling, of every screened
        party with a match (the others have none to lose)."""
        rows = self._rows(
            "SELECT reference, fall_budget FROM book_parties WHERE screened_at <> ''"
            " AND fall_budget < ?",
            (math.inf,),
        )
        return {row[0]: float(row[1]) for row in rows}

    @staticmethod
    def set_budgets(
        conn: Connection, budgets: Mapping[str, float], falls: Mapping[str, float]
    ) -> None:
        """Set the drift budgets of parties (lowered where their ranks may move further):
        ``budgets`` for ranks rising, ``falls`` for ranks falling."""
        conn.executemany(
            "UPDATE book_parties SET budget = ? WHERE reference = ?",
            [(value, ref) for ref, value in budgets.items()],
        )
        conn.executemany(
            "UPDATE book_parties SET fall_budget = ? WHERE reference = ?",
            [(value, ref) for ref, value in falls.items()],
        )

    @staticmethod
    def scale_floors(conn: Connection, factors: Mapping[str, float]) -> None:
        """Lower the weight floor of parties by a factor each."""
        conn.executemany(
            "UPDATE book_parties SET weight_floor = weight_floor * ? WHERE reference = ?",
            [(value, ref) for ref, value in factors.items()],
        )

    # -- alerts -----------------------------------------------------------------------------

    def alert(self, alert_id: int) -> AlertRow:
        rows = self._rows(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?", (alert_id,))
        if not rows:
            raise NotFoundError(f"No alert {alert_id}.")
        return _alert(rows[0])

    @staticmethod
    def _alert_filter(query: AlertQuery) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if query.states:
            clauses.append(f"state IN ({', '.join('?' * len(query.states))})")
            params.extend(query.states)
        for clause, value in (
            ("party = ?", query.party),
            ("entity_id = ?", query.entity_id),
            ("source = ?", query.source),
            ("id > ?", query.after_id),
            ("score >= ?", query.min_score),
            ("opened_at < ?", query.opened_before),
            ("opened_at >= ?", query.opened_after),
        ):
            if value:
                clauses.append(clause)
                params.append(value)
        if query.live is not None:
            clauses.append("closed_at = ''" if query.live else "closed_at <> ''")
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def alerts(self, query: AlertQuery) -> list[AlertRow]:
        where, params = self._alert_filter(query)
        order = ALERT_ORDERS.get(query.order)
        if order is None:
            raise StoreError(f"Unknown order of alerts {query.order!r}.")
        sql = f"SELECT {_ALERT_COLUMNS} FROM alerts{where} ORDER BY {order}"
        if query.limit is not None or query.offset:
            sql += " LIMIT ? OFFSET ?"
            params += [2**62 if query.limit is None else query.limit, query.offset]
        return [_alert(row) for row in self._rows(sql, params)]

    def count_alerts(self, query: AlertQuery) -> int:
        """How many alerts the query's filters select (its order, offset and limit aside)."""
        where, params = self._alert_filter(query)
        return int(self._rows(f"SELECT COUNT(*) FROM alerts{where}", params)[0][0])

    def alert_sources(self) -> list[str]:
        """The lists (source ids) alerts were opened on."""
        return [row[0] for row in self._rows("SELECT DISTINCT source FROM alerts ORDER BY source")]

    def alerts_of(self, parties: Iterable[str]) -> dict[str, list[AlertRow]]:
        """Every alert (live or not) of these parties, by party, oldest first."""
        wanted = sorted(set(parties))
        out: dict[str, list[AlertRow]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._rows(
                f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE party IN ({marks}) ORDER BY id", chunk
            ):
                alert = _alert(row)
                out.setdefault(alert.party, []).append(alert)
        return out

    def parties_alerting_on(self, entity_ids: Iterable[str]) -> set[str]:
        """Parties with a live alert on one of these entities."""
        wanted = sorted(set(entity_ids))
        out: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(
                "SELECT DISTINCT party FROM alerts WHERE closed_at = ''"
                f" AND entity_id IN ({marks})",
                chunk,
            )
            out.update(row[0] for row in rows)
        return out

    @staticmethod
    def open_alerts(conn: Connection, alerts: Sequence[NewAlert], at: str,
                    seqs: Sequence[int]) -> list[int]:  # fmt: skip
        """Insert alerts whose opening records are at ``seqs``; their ids."""
        ids: list[int] = []
        for alert, seq in zip(alerts, seqs, strict=True):
            row = conn.execute(
                f"INSERT INTO alerts ({_ALERT_COLUMNS.removeprefix('id, ')})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?) RETURNING id",
                (
                    alert.party, alert.entity_id, alert.source, alert.source_id, alert.version,
                    at, alert.reason, alert.state, alert.score, canonical(dict(alert.hit)).decode(),
                    alert.party_fingerprint, alert.entity_fingerprint, alert.listing_fingerprint,
                    alert.previous, seq,
                ),
            ).fetchone()  # fmt: skip
            ids.append(int(row[0]))
        return ids

    @staticmethod
    def next_alert_id(conn: Connection) -> int:
        return int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM alerts").fetchone()[0])

    @staticmethod
    def close_alerts(conn: Connection, closing: Sequence[tuple[int, str, str]],
                     at: str) -> None:  # fmt: skip
        """Close alerts: (id, new state, reason)."""
        conn.executemany(
            "UPDATE alerts SET state = ?, closed_at = ?, closed_reason = ? WHERE id = ?",
            [(state, at, reason, alert_id) for alert_id, state, reason in closing],
        )

    @staticmethod
    def set_state(conn: Connection, alert_id: int, state: str) -> None:
        conn.execute("UPDATE alerts SET state = ? WHERE id = ?", (state, alert_id))

    def decisions(self, alert_ids: Iterable[int]) -> dict[int, list[DecisionRow]]:
        wanted = sorted(set(alert_ids))
        out: dict[int, list[DecisionRow]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._rows(
                "SELECT id, alert, decision, reason, decided_by, role, at, chain_seq"
                f" FROM decisions WHERE alert IN ({marks}) ORDER BY id",
                chunk,
            ):
                out.setdefault(int(row[1]), []).append(DecisionRow(*row))
        return out

    @staticmethod
    def add_decision(conn: Connection, alert_id: int, decision: str, reason: str,
                     by: str, role: str, at: str, seq: int) -> int:  # fmt: skip
        row = conn.execute(
            "INSERT INTO decisions (alert, decision, reason, decided_by, role, at, chain_seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (alert_id, decision, reason, by, role, at, seq),
        ).fetchone()
        return int(row[0])

    # -- webhooks ---------------------------------------------------------------------------

    def webhooks(self, active_only: bool = True) -> list[WebhookRow]:
        sql = "SELECT id, url, events, secret, created_at, created_by, active FROM webhooks"
        if active_only:
            sql += " WHERE active = 1"
        rows = self._rows(sql + " ORDER BY id")
        return [
            WebhookRow(r[0], r[1], tuple(_loads(r[2])), r[3], r[4], r[5], bool(r[6])) for r in rows
        ]

    @staticmethod
    def add_webhook(conn: Connection, url: str, events: Sequence[str], secret: str,
                    by: str, at: str) -> int:  # fmt: skip
        row = conn.execute(
            "INSERT INTO webhooks (url, events, secret, created_at, created_by, active)"
            " VALUES (?, ?, ?, ?, ?, 1) RETURNING id",
            (url, canonical(list(events)).decode(), secret, at, by),
        ).fetchone()
        return int(row[0])

    @staticmethod
    def remove_webhook(conn: Connection, webhook_id: int) -> bool:
        cursor = conn.execute(
            "UPDATE webhooks SET active = 0 WHERE id = ? AND active = 1", (webhook_id,)
        )
        return cursor.rowcount > 0

    @staticmethod
    def queue_deliveries(conn: Connection,
                         items: Sequence[tuple[int, str, str]], at: str) -> None:  # fmt: skip
        """Queue (webhook id, event, payload) deliveries, due now."""
        conn.executemany(
            "INSERT INTO webhook_deliveries (webhook, event, payload, state, attempts, next_at,"
            " created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
            [(hook, event, payload, at, at) for hook, event, payload in items],
        )

    def due_deliveries(self, at: str, limit: int = 100) -> list[DeliveryRow]:
        rows = self._rows(
            f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries WHERE state = 'pending'"
            " AND next_at <= ? ORDER BY next_at, id LIMIT ?",
            (at, limit),
        )
        return [DeliveryRow(*row) for row in rows]

    def deliveries(self, webhook: int | None = None, limit: int = 100) -> list[DeliveryRow]:
        sql = f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries"
        params: list[Any] = []
        if webhook is not None:
            sql += " WHERE webhook = ?"
            params.append(webhook)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [DeliveryRow(*row) for row in self._rows(sql, params)]

    def claim(self, delivery_id: int, due: str, lease: str) -> bool:
        """Take a due delivery for one attempt (until ``lease``): False when another sender
        took it first (several server processes send deliveries)."""
        with self.write() as conn:
            cursor = conn.execute(
                "UPDATE webhook_deliveries SET next_at = ? WHERE id = ? AND state = 'pending'"
                " AND next_at = ?",
                (lease, delivery_id, due),
            )
            return cursor.rowcount == 1

    def record_attempt(self, delivery_id: int, state: str, status: int | None, error: str,
                       next_at: str, at: str) -> None:  # fmt: skip
        with self.write() as conn:
            conn.execute(
                "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1,"
                " last_status = ?, last_error = ?, next_at = ?, delivered_at = ? WHERE id = ?",
                (state, status, error, next_at, at if state == "delivered" else "", delivery_id),
            )

    # -- monitor state ----------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return {key: _loads(value) for key, value in self._rows(
            "SELECT key, value FROM monitor_state")}  # fmt: skip

    @staticmethod
    def put_state(conn: Connection, values: Mapping[str, Any]) -> None:
        conn.executemany(
            "INSERT INTO monitor_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(key, canonical(value).decode()) for key, value in values.items()],
        )
