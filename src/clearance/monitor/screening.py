"""Screening parties of the book: through the one batch engine, then alerts reconciled and every
screening and alert event written to the audit chain with the change it records.

The book is screened with retrieval that keeps every candidate at or above the coverage cut
(:data:`MONITOR_PARAMS`: no relative cutoff, and a candidate limit a name reaches only in
pathological cases): whether a listed entity becomes a candidate then depends on the party and
that entity alone, not on which other entities are listed. That is what lets a re-screen after
a list change look only at what changed and still find exactly what a full re-screen finds
(``rescreen.py``). It also finds the matches a relative cutoff drops beside a stronger one.

Each screening keeps, with the party, how far the index's weights may move before its matches
could change (its budgets, from :class:`clearance.screen.SearchTrace`: one for ranks rising to
the coverage cut, one for the ranks of its matches falling under it) and the lightest weight
of its forms (for the rank bound of ``reach.py``).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from clearance.index.facets import Filters
from clearance.index.search import SearchParams
from clearance.monitor.alerts import (
    Actions,
    Closing,
    Match,
    Screening,
    StepChanges,
    entity_fingerprint,
    listing_fingerprint,
    reconcile,
    removal,
)
from clearance.monitor.book import screening_row
from clearance.monitor.webhooks import payload
from clearance.queries import Built
from clearance.screen import Screener
from clearance.screen_batch import BatchOptions, Item, Prepared, RowResult, run_batch
from clearance.settings import Settings
from clearance.store.chain import BOOK_SCREENING, ChainRecord, append, now
from clearance.store.monitor import AlertRow, MonitorStore, NewAlert, PartyRow, Screened

#: retrieval for the book: every candidate at or above the coverage cut (see the docstring)
MONITOR_PARAMS = SearchParams(max_candidates=1000, relative_cutoff=0.0)
#: the widest move of the index's weights a screening is certified for (a party whose matches
#: are all further than this from the coverage cut is re-screened when the weights have moved
#: this much since its screening, whatever else happened)
BAND = 1.25
#: parties written per transaction
CHUNK = 512


@dataclass(frozen=True)
class Task:
    """A party to screen and why (``initial``, ``party-changed`` or ``lists``)."""

    reference: str
    data: Mapping[str, Any]
    fingerprint: str
    cause: str
    #: the party's query when the caller has read it already (an import: for its fingerprint)
    built: Built | None = None


@dataclass
class Round:
    """What the screenings of one step are made against."""

    step: int
    day: str
    #: source -> active version number
    versions: dict[str, int]
    #: the accumulated drift bound and weight floor after this step (``drift.py``)
    drift: float
    floor: float
    changes: StepChanges = field(default_factory=StepChanges)
    actor: str = "system"


@dataclass
class Outcome:
    """What a run of screenings did."""

    screened: int = 0
    errors: int = 0
    opened: int = 0
    closed: int = 0
    suppressed: int = 0
    #: reference -> alert ids opened
    alerts: dict[str, list[int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, int]:
        return {
            "screened": self.screened,
            "errors": self.errors,
            "opened": self.opened,
            "closed": self.closed,
            "suppressed": self.suppressed,
        }


def alert_event(alert: AlertRow | NewAlert, alert_id: int, kind: str) -> dict[str, Any]:
    hit = dict(alert.hit)
    return {
        "alert": alert_id,
        "party": alert.party,
        "entity_id": alert.entity_id,
        "name": hit.get("name"),
        "score": alert.score,
        "lists": hit.get("lists", []),
        "effect": hit.get("effect"),
        "event": kind,
    }


@dataclass
class Runner:
    """Screens parties and writes what follows, a chunk per transaction."""

    settings: Settings
    screener: Screener
    monitor: MonitorStore
    workers: int = 1
    _fingerprints: dict[str, str] = field(default_factory=dict)
    _positions: dict[str, int] | None = None

    def options(self, day: str, workers: int | None = None) -> BatchOptions:
        return BatchOptions(
            limit=MONITOR_PARAMS.max_candidates,
            workers=workers or self.workers,
            filters=Filters(as_of=day),
            as_of=day,
            trace_band=BAND,
        )

    def screen(self, tasks: Iterable[Task], round_: Round, workers: int | None = None) -> Outcome:
        outcome = Outcome()
        pending: deque[Task] = deque()

        def rows() -> Iterator[Item]:
            for task in tasks:
                pending.append(task)
                row = screening_row(task.reference, task.data)
                yield row if task.built is None else Prepared(row, task.built)

        chunk: list[tuple[Task, RowResult]] = []
        options = self.options(round_.day, workers)
        for result in run_batch(self.screener, rows(), options, self.settings):
            chunk.append((pending.popleft(), result))
            if len(chunk) >= CHUNK:
                self._write(chunk, round_, outcome)
                chunk = []
        if chunk:
            self._write(chunk, round_, outcome)
        return outcome

    # -- what a screening leaves ------------------------------------------------------------

    def _entity_fingerprint(self, entity_id: str) -> str:
        found = self._fingerprints.get(entity_id)
        if found is None:
            index = self.screener.index
            if self._positions is None:
                self._positions = {e: i for i, e in enumerate(index.entity_ids)}
            found = entity_fingerprint(index.entity(self._positions[entity_id]))
            self._fingerprints[entity_id] = found
        return found

    def _matches(self, result: RowResult, versions: Mapping[str, int]) -> tuple[Match, ...]:
        return tuple(
            Match(
                entity_id=m["entity_id"],
                source=m["source"],
                source_id=m["source_id"],
                version=int(versions.get(m["source"], 0)),
                score=float(m["score"]),
                hit=m,
                entity_fingerprint=self._entity_fingerprint(m["entity_id"]),
                listing_fingerprint=listing_fingerprint(m),
            )
            for m in result.matches
        )

    def _write(
        self, chunk: Sequence[tuple[Task, RowResult]], round_: Round, outcome: Outcome
    ) -> None:
        store = self.monitor
        screenings = [
            Screening(task.reference, task.fingerprint, task.cause,
                      self._matches(result, round_.versions))
            for task, result in chunk
        ]  # fmt: skip
        hooks = subscriptions(store)
        with store.write() as conn:
            history = store.alerts_of(t.reference for t, _ in chunk)
            decisions = store.decisions(a.id for alerts in history.values() for a in alerts)
            actions = [
                reconcile(s, history.get(s.reference, []), decisions, round_.changes)
                for s in screenings
            ]
            opened = [a for act in actions for a in act.opened]
            at = now()
            store.put_parties(conn, [
                PartyRow(t.reference, dict(t.data), t.fingerprint, at, at)
                for t, _ in chunk if t.cause != "lists"
            ])  # fmt: skip
            closing = [c for act in actions for c in act.closed]
            # closed before the new ones open: one live alert per party and entity
            store.close_alerts(conn, [(c.alert_id, c.state, c.reason) for c in closing], at)
            ids = store.open_alerts(conn, opened, at, [0] * len(opened))
            by_alert = dict(zip(ids, opened, strict=True))
            closed_rows = {a.id: a for alerts in history.values() for a in alerts}
            records = self._records(chunk, screenings, actions, ids, round_)
            records += [
                ChainRecord("alert.opened", alert_event(a, i, "alert.opened") | {
                    "reason": a.reason, "version": a.version, "previous": a.previous,
                    "source": a.source}, actor=round_.actor, party=a.party)
                for i, a in by_alert.items()
            ]  # fmt: skip
            records += [
                ChainRecord("alert.closed", alert_event(closed_rows[c.alert_id], c.alert_id,
                            "alert.closed") | {"state": c.state, "reason": c.reason},
                            actor=round_.actor, party=closed_rows[c.alert_id].party)
                for c in closing
            ]  # fmt: skip
            seqs = append(conn, records)
            alert_seqs = seqs[len(chunk) : len(chunk) + len(ids)]
            conn.executemany(
                "UPDATE alerts SET chain_seq = ? WHERE id = ?",
                list(zip(alert_seqs, ids, strict=True)),
            )
            store.mark_screened(conn, [self._screened(t, r, round_, at) for t, r in chunk])
            store.queue_deliveries(conn, deliveries(hooks, records[len(chunk) :]), at)
        for (_task, result), act in zip(chunk, actions, strict=True):
            outcome.screened += 1
            outcome.errors += bool(result.error)
            outcome.suppressed += len(act.suppressed)
        outcome.opened += len(ids)
        outcome.closed += len(closing)
        for alert_id, alert in by_alert.items():
            outcome.alerts.setdefault(alert.party, []).append(alert_id)

    def _records(
        self,
        chunk: Sequence[tuple[Task, RowResult]],
        screenings: Sequence[Screening],
        actions: Sequence[Actions],
        ids: Sequence[int],
        round_: Round,
    ) -> list[ChainRecord]:
        algorithm = f"{self.screener.profile}/{self.screener.scorer.algorithm}"
        records: list[ChainRecord] = []
        for (task, result), screening, act in zip(chunk, screenings, actions, strict=True):
            data: dict[str, Any] = {
                "cause": task.cause,
                "step": round_.step,
                "day": round_.day,
                "fingerprint": task.fingerprint,
                "party": dict(task.data),
                "algorithm": algorithm,
                "results": [
                    {"id": m.entity_id, "score": m.score, "version": m.version}
                    for m in screening.matches
                ],
            }
            if act.suppressed:
                data["suppressed"] = act.suppressed
            if result.error:
                data["error"] = result.error
            records.append(
                ChainRecord(BOOK_SCREENING, data, actor=round_.actor, party=task.reference)
            )
        return records

    @staticmethod
    def _screened(task: Task, result: RowResult, round_: Round, at: str) -> Screened:
        trace = result.trace or {}
        certified = {} if result.error else trace
        rise, fall = float(certified.get("rise", 1.0)), float(certified.get("fall", 1.0))
        weight = float(trace.get("weight", 0.0))
        return Screened(
            reference=task.reference,
            at=at,
            step=round_.step,
            budget=round_.drift + math.log(max(rise, 1.0)),
            fall_budget=round_.drift + math.log(max(fall, 1.0)),
            weight_floor=weight * math.exp(round_.floor),
            error=result.error,
        )

    def close_removed(self, references: Sequence[str], round_: Round) -> int:
        """Remove parties from the book: their live alerts close (party-removed)."""
        store = self.monitor
        hooks = subscriptions(store)
        with store.write() as conn:
            history = store.alerts_of(references)
            closing: list[Closing] = [c for r in references for c in removal(history.get(r, []))]
            rows = {a.id: a for alerts in history.values() for a in alerts}
            records = [
                ChainRecord("party.removed", {"step": round_.step}, actor=round_.actor, party=r)
                for r in references
            ]
            events = [
                ChainRecord("alert.closed", alert_event(rows[c.alert_id], c.alert_id,
                            "alert.closed") | {"state": c.state, "reason": c.reason},
                            actor=round_.actor, party=rows[c.alert_id].party)
                for c in closing
            ]  # fmt: skip
            append(conn, records + events)
            at = now()
            store.close_alerts(conn, [(c.alert_id, c.state, c.reason) for c in closing], at)
            store.delete_parties(conn, references)
            store.queue_deliveries(conn, deliveries(hooks, events), at)
        return len(closing)


def subscriptions(store: MonitorStore) -> list[tuple[int, tuple[str, ...]]]:
    return [(hook.id, hook.events) for hook in store.webhooks()]


def deliveries(
    hooks: Sequence[tuple[int, tuple[str, ...]]], records: Sequence[ChainRecord]
) -> list[tuple[int, str, str]]:
    """(webhook, event, payload) for each subscribed hook of each event record."""
    out: list[tuple[int, str, str]] = []
    for record in records:
        for hook, events in hooks:
            if record.kind in events or "*" in events:
                out.append((hook, record.kind, payload(record.kind, dict(record.data))))
    return out
