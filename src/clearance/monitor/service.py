"""The monitoring services: one function per operation, a small frozen request object in, a
JSON-shaped result out. The command line, the HTTP API and the web pages call these and only
these; role checks happen here or in :func:`clearance.monitor.alerts.check_decision`, against
:func:`clearance.store.keys.role_allows`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from clearance.errors import ForbiddenError, InputError, NotFoundError
from clearance.monitor import evidence, webhooks
from clearance.monitor.alerts import Decision, check_decision, rules
from clearance.monitor.book import (
    DEFAULT_COLUMNS,
    BookImport,
    RowError,
    check_reference,
    read_party,
)
from clearance.monitor.rescreen import Monitor, Monitored, advance, cycle, today
from clearance.monitor.screening import Round, Runner, Task, alert_event, deliveries, subscriptions
from clearance.queries import Columns
from clearance.screen_io import detect_format, open_rows
from clearance.store import Store
from clearance.store.chain import SCREENINGS, ChainQuery, ChainRecord, append, now
from clearance.store.keys import role_allows
from clearance.store.monitor import ALERT_ORDERS, AlertQuery, AlertRow, DecisionRow, MonitorStore

#: most parties or alerts one listing returns
MAX_LIST = 10_000

#: the lowest role each monitoring operation needs: the HTTP API's key checks and the web's
#: pages read this table (deciding is checked against the decision rules, per decision)
NEEDS: Mapping[str, str] = {
    "book": "analyst",
    "alerts": "analyst",
    "decide": "analyst",
    "evidence": "analyst",
    "audit": "admin",
    "webhooks": "admin",
    "cycle": "admin",
}
#: row errors reported in full by an import (the count is always exact)
ERRORS_SHOWN = 100


@dataclass(frozen=True)
class Actor:
    """Who acts: a name and a role (an API key's, a web user's, or the command line's user,
    who acts as an admin). ``principal`` is the credential acting (an API key's or user's
    name; the machine user on the command line) when ``name`` is someone it names as the
    decider; the audit chain records the credential."""

    name: str
    role: str = "admin"
    channel: str = "cli"
    principal: str = ""

    @property
    def label(self) -> str:
        return f"{self.channel}:{self.principal or self.name}"

    @property
    def authenticated(self) -> bool:
        """Whether the channel proved who acts (the command line does not: it is the store's
        owner)."""
        return self.channel != "cli"

    def needs(self, role: str) -> None:
        if not role_allows(self.role, role):
            raise ForbiddenError(
                f"This needs the {role} role; {self.name} has the {self.role} role."
            )


def cli_actor(name: str, by: str = "") -> Actor:
    """The command line's user ``name``, acting as an admin (for ``by``, when given)."""
    user = name.strip() or "unknown"
    return Actor(by.strip() or user, "admin", "cli", principal=user)


def _round(monitor: Monitor, actor: Actor) -> Round:
    """The round parties are screened in between steps: the monitored state as it stands
    (brought up to the store's state first)."""
    state = Monitored.read(monitor.book)
    return Round(state.step, state.day, dict(state.versions), state.drift, state.floor,
                 actor=actor.label)  # fmt: skip


def _bump_book(monitor: Monitor) -> None:
    state = Monitored.read(monitor.book)
    with monitor.book.write() as conn:
        monitor.book.put_state(conn, {"book_version": state.book_version + 1})


# -- the book -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRequest:
    """``clearance book import``: a file, its columns, whether it replaces the book."""

    path: Path
    actor: Actor
    columns: Columns = DEFAULT_COLUMNS
    fmt: str | None = None
    encoding: str | None = None
    replace: bool = False


def import_book(monitor: Monitor, request: ImportRequest) -> dict[str, Any]:
    """Import a file into the book: new and changed parties are screened (their matches open
    alerts), unchanged ones left alone, and with ``replace`` the parties the file does not name
    removed (their alerts closed)."""
    request.actor.needs("analyst")
    fmt = detect_format(request.path, request.fmt)
    rows = open_rows(request.path, fmt, request.encoding)
    try:
        rows.require(request.columns.name)
        rows.require(request.columns.reference, "reference")
        return import_rows(monitor, enumerate(rows, 1), request.actor, request.columns,
                           request.replace)  # fmt: skip
    finally:
        rows.close()


def import_rows(
    monitor: Monitor,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    actor: Actor,
    columns: Columns = DEFAULT_COLUMNS,
    replace: bool = False,
) -> dict[str, Any]:
    """Import numbered rows (a file's, or a request's) into the book (see :func:`import_book`)."""
    with monitor.lock():
        advance(monitor, actor.label, False, today())  # the book first up to the store's state
        reading = BookImport(monitor.book.fingerprints(), columns)
        round_ = _round(monitor, actor)
        runner = Runner(monitor.settings, monitor.screener(), monitor.book, monitor.workers)
        tasks = (
            Task(p.reference, p.data, p.fingerprint,
                 "initial" if p.reference not in reading.book else "party-changed", p.built)
            for p in reading.parties(rows)
        )  # fmt: skip
        outcome = runner.screen(tasks, round_)
        removed = reading.removed() if replace else []
        closed = runner.close_removed(removed, round_) if removed else 0
        if outcome.screened or removed:
            _bump_book(monitor)
    report: dict[str, Any] = dict(reading.summary(len(removed)))
    report["row_errors"] = [e.to_dict() for e in reading.errors[:ERRORS_SHOWN]]
    report["screened"] = outcome.screened
    report["alerts"] = {**outcome.to_dict(), "closed": outcome.closed + closed}
    report["step"] = round_.step
    return report


@dataclass(frozen=True)
class PartyRequest:
    """``PUT /book/parties/{reference}``: one party's fields (as a row of a file)."""

    reference: str
    data: Mapping[str, Any]
    actor: Actor


def put_party(monitor: Monitor, request: PartyRequest) -> dict[str, Any]:
    """Add or change one party (screened now, if its data changed); the party with its
    alerts."""
    request.actor.needs("analyst")
    reference = check_reference(request.reference)
    row = {k: v for k, v in request.data.items() if k != "reference"}
    party = read_party(1, {**row, "reference": reference})
    if isinstance(party, RowError):
        raise InputError(f"Party {reference!r}: {party.message}.")
    report = import_rows(monitor, [(1, {**row, "reference": reference})], request.actor)
    out = show_party(monitor.book, reference)
    out["import"] = {k: report[k] for k in ("added", "changed", "unchanged")}
    return out


def remove_party(monitor: Monitor, reference: str, actor: Actor) -> dict[str, Any]:
    """Remove a party: its live alerts close (party-removed)."""
    actor.needs("analyst")
    monitor.book.party(reference)  # NotFoundError first
    with monitor.lock():
        round_ = _round(monitor, actor)
        runner = Runner(monitor.settings, monitor.screener(), monitor.book, monitor.workers)
        closed = runner.close_removed([reference], round_)
        _bump_book(monitor)
    return {"reference": reference, "removed": True, "alerts_closed": closed}


@dataclass(frozen=True)
class BookQuery:
    limit: int = 1000
    offset: int = 0


def list_parties(book: MonitorStore, query: BookQuery) -> dict[str, Any]:
    limit = max(0, min(query.limit, MAX_LIST))
    rows = book.parties_page(limit, max(query.offset, 0))
    live = book.live_counts(r.reference for r in rows)
    parties = [
        {
            "reference": r.reference,
            "name": r.data.get("name"),
            "schema": r.data.get("schema"),
            "country": r.data.get("country"),
            "screened_at": r.screened_at or None,
            "error": r.error or None,
            "alerts": live.get(r.reference, 0),
        }
        for r in rows
    ]
    return {"total": book.party_count(), "offset": query.offset, "parties": parties}


def show_party(book: MonitorStore, reference: str) -> dict[str, Any]:
    party = book.party(reference)
    alerts = book.alerts_of([reference]).get(reference, [])
    decisions = book.decisions(a.id for a in alerts)
    out = party.to_dict()
    out["alerts"] = [alert_dict(a, decisions.get(a.id, [])) for a in alerts if a.live]
    out["history"] = [alert_dict(a, decisions.get(a.id, [])) for a in alerts if not a.live]
    return out


# -- alerts ---------------------------------------------------------------------------------


def alert_dict(alert: AlertRow, decisions: Sequence[DecisionRow]) -> dict[str, Any]:
    """An alert as ``clearance alerts --json`` and the API show it."""
    hit = alert.hit
    return {
        "id": alert.id,
        "party": alert.party,
        "entity_id": alert.entity_id,
        "source": alert.source,
        "source_id": alert.source_id,
        "name": hit.get("name"),
        "matched_name": hit.get("matched_name"),
        "schema": hit.get("schema"),
        "lists": hit.get("lists", []),
        "programs": hit.get("programs", []),
        "effect": hit.get("effect"),
        "effects": hit.get("effects", []),
        "findings": hit.get("findings", []),
        "score": alert.score,
        "explanation": hit.get("explanation", []),
        "version": alert.version,
        "opened": alert.opened_at,
        "reason": alert.reason,
        "state": alert.state,
        "previous": alert.previous,
        "closed": alert.closed_at or None,
        "closed_reason": alert.closed_reason or None,
        "chain_seq": alert.chain_seq,
        "decisions": [d.to_dict() for d in decisions],
    }


@dataclass(frozen=True)
class AlertsQuery:
    """Which alerts: ``state`` is one state or several, comma-separated (every state when
    empty); ``source`` the list of the listed entity; ``older_than_days`` and
    ``newer_than_days`` bound the alert's age; filters apply before ``order`` (oldest, newest,
    score), ``offset`` and ``limit``."""

    state: str = ""
    party: str = ""
    limit: int | None = None
    after_id: int = 0
    source: str = ""
    min_score: float = 0.0
    older_than_days: float | None = None
    newer_than_days: float | None = None
    offset: int = 0
    order: str = "oldest"


def _ago(days: float | None, at: datetime) -> str:
    if days is None:
        return ""
    if not 0 <= days <= 100_000:
        raise InputError(f"An alert's age is 0 to 100,000 days, not {days}.")
    return (at - timedelta(days=days)).isoformat(timespec="milliseconds")


def _alert_query(query: AlertsQuery, limit: int | None, at: datetime) -> AlertQuery:
    states = tuple(s.strip() for s in query.state.split(",") if s.strip())
    for state in states:
        if state not in rules().states:
            raise InputError(
                f"Unknown alert state {state!r}: use one of {', '.join(rules().states)}."
            )
    if query.order not in ALERT_ORDERS:
        raise InputError(f"Unknown order {query.order!r}: use one of {', '.join(ALERT_ORDERS)}.")
    return AlertQuery(
        states=states,
        party=query.party.strip(),
        limit=limit,
        after_id=query.after_id,
        source=query.source.strip(),
        min_score=max(0.0, query.min_score),
        opened_before=_ago(query.older_than_days, at),
        opened_after=_ago(query.newer_than_days, at),
        offset=max(0, query.offset),
        order=query.order,
    )


def _with_decisions(book: MonitorStore, found: Sequence[AlertRow]) -> list[dict[str, Any]]:
    decisions = book.decisions(a.id for a in found)
    return [alert_dict(a, decisions.get(a.id, [])) for a in found]


def list_alerts(book: MonitorStore, query: AlertsQuery) -> list[dict[str, Any]]:
    """Alerts, oldest first: of a state, of a party (every state when none is given)."""
    limit = None if query.limit is None else max(0, min(query.limit, MAX_LIST))
    return _with_decisions(book, book.alerts(_alert_query(query, limit, datetime.now(UTC))))


def alert_page(book: MonitorStore, query: AlertsQuery) -> dict[str, Any]:
    """One page of the alert queue and how many alerts the filters select in all."""
    limit = max(1, min(query.limit or 50, 1000))
    selected = _alert_query(query, limit, datetime.now(UTC))
    return {
        "total": book.count_alerts(selected),
        "offset": selected.offset,
        "limit": limit,
        "alerts": _with_decisions(book, book.alerts(selected)),
    }


def alert_sources(book: MonitorStore) -> list[str]:
    """The lists alerts were opened on (the queue's choice of lists)."""
    return book.alert_sources()


def get_alert(book: MonitorStore, alert_id: int) -> dict[str, Any]:
    alert = book.alert(alert_id)
    return alert_dict(alert, book.decisions([alert_id]).get(alert_id, []))


def alert_detail(store: Store, book: MonitorStore, alert_id: int) -> dict[str, Any]:
    """An alert with what it is between: the party as the book keeps it (None once removed)
    and the listed entity as the alert's list version published it (the evidence page's)."""
    alert = book.alert(alert_id)
    try:
        party: dict[str, Any] | None = book.party(alert.party).to_dict()
    except NotFoundError:
        party = None
    entity = evidence.entity_at(store, alert.source, alert.version, alert.entity_id)
    return {
        "alert": alert_dict(alert, book.decisions([alert_id]).get(alert_id, [])),
        "party": party,
        "entity": entity.to_dict() if entity is not None else None,
    }


def decisions_open(
    book: MonitorStore, alert_id: int, actor: Actor, four_eyes: bool
) -> dict[str, str]:
    """Each decision the rules know, with why ``actor`` may not take it on this alert now (""
    when they may): the checks :func:`decide` makes, without deciding."""
    alert = book.alert(alert_id)
    history = book.decisions([alert_id]).get(alert_id, [])
    out: dict[str, str] = {}
    for name in rules().decisions:
        try:
            check_decision(alert, Decision(alert_id, name, "-", actor.name, actor.role), history,
                           four_eyes)  # fmt: skip
        except (InputError, ForbiddenError) as exc:
            out[name] = exc.message
        else:
            out[name] = ""
    return out


@dataclass(frozen=True)
class DecideRequest:
    """A decision on an alert (``clearance alerts decide``, ``POST /alerts/{id}/decisions``)."""

    alert_id: int
    decision: str
    reason: str
    actor: Actor


def decide(book: MonitorStore, request: DecideRequest, four_eyes: bool) -> dict[str, Any]:
    """Record a decision and move the alert to its state, with its audit record, in one
    transaction: analysts escalate and clear, reviewers confirm true matches (with four-eyes,
    after someone else escalated)."""
    actor = request.actor
    decision = Decision(request.alert_id, request.decision, request.reason.strip(),
                        actor.name, actor.role,
                        actor.label if actor.authenticated else "")  # fmt: skip
    hooks = subscriptions(book)
    with book.write() as conn:
        alert = book.alert(request.alert_id)
        history = book.decisions([alert.id]).get(alert.id, [])
        records = book.chain_entries(d.chain_seq for d in history)
        principals = {d.id: records[d.chain_seq].actor for d in history if d.chain_seq in records}
        check_decision(alert, decision, history, four_eyes, principals)
        at = now()
        data = alert_event(alert, alert.id, "alert.decided") | {
            "decision": decision.decision,
            "from": alert.state,
            "reason": decision.reason,
            "by": decision.by,
            "role": decision.role,
        }
        record = ChainRecord("alert.decided", data, actor=actor.label, party=alert.party)
        (seq,) = append(conn, [record])
        book.add_decision(conn, alert.id, decision.decision, decision.reason, decision.by,
                          decision.role, at, seq)  # fmt: skip
        book.set_state(conn, alert.id, decision.decision)
        book.queue_deliveries(conn, deliveries(hooks, [record]), at)
    return get_alert(book, request.alert_id)


# -- the audit chain ------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditQuery:
    party: str = ""
    since: str = ""
    kinds: tuple[str, ...] = ()
    limit: int | None = 1000
    #: newest first
    newest_first: bool = False
    #: who acted, as the chain names them (``key:NAME``, ``web:NAME``, ``cli:NAME``...)
    actor: str = ""
    #: only records before this position (the next page, newest first)
    before_seq: int = 0


def audit_entries(book: MonitorStore, query: AuditQuery) -> list[dict[str, Any]]:
    kinds = tuple(k for k in query.kinds if k)
    if "screening" in kinds:  # every channel's screenings
        kinds = tuple(k for k in kinds if k != "screening") + SCREENINGS
    limit = None if query.limit is None else max(0, min(query.limit, 100_000))
    found = book.chain(ChainQuery(party=query.party, since=query.since, kinds=kinds,
                                  limit=limit, newest_first=query.newest_first,
                                  actor=query.actor.strip(),
                                  before_seq=max(0, query.before_seq)))  # fmt: skip
    return [e.to_dict() for e in found]


def verify_chain(book: MonitorStore, expected_head: str = "") -> dict[str, Any]:
    return book.verify(expected_head.strip()).to_dict()


def chain_head(book: MonitorStore) -> dict[str, Any]:
    seq, digest = book.head()
    return {"seq": seq, "hash": digest}


# -- webhooks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    events: tuple[str, ...]
    actor: Actor
    secret: str = ""


def add_webhook(book: MonitorStore, request: WebhookRequest) -> dict[str, Any]:
    """Register a webhook (admin); the answer holds its signing secret, shown this once."""
    request.actor.needs("admin")
    url = webhooks.check_url(request.url)
    events = webhooks.check_events(request.events)
    secret = request.secret.strip() or webhooks.new_secret()
    if len(secret) < 16:
        raise InputError("A webhook secret has at least 16 characters.")
    with book.write() as conn:
        at = now()
        hook = book.add_webhook(conn, url, events, secret, request.actor.label, at)
        data = {"webhook": hook, "url": url, "events": list(events)}
        append(conn, [ChainRecord("webhook.added", data, actor=request.actor.label)])
    found = next(h for h in book.webhooks(active_only=False) if h.id == hook)
    return {**found.to_dict(), "secret": secret}


def list_webhooks(book: MonitorStore, actor: Actor) -> list[dict[str, Any]]:
    actor.needs("admin")
    return [h.to_dict() for h in book.webhooks(active_only=False)]


def remove_webhook(book: MonitorStore, webhook_id: int, actor: Actor) -> dict[str, Any]:
    actor.needs("admin")
    with book.write() as conn:
        if not book.remove_webhook(conn, webhook_id):
            raise NotFoundError(f"No active webhook {webhook_id}.")
        append(conn, [ChainRecord("webhook.removed", {"webhook": webhook_id},
                                  actor=actor.label)])  # fmt: skip
    return next(h.to_dict() for h in book.webhooks(active_only=False) if h.id == webhook_id)


def webhook_deliveries(book: MonitorStore, actor: Actor, webhook: int | None = None,
                       limit: int = 100) -> list[dict[str, Any]]:  # fmt: skip
    actor.needs("admin")
    return [d.to_dict() for d in book.deliveries(webhook, max(1, min(limit, 1000)))]


# -- the cycle ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleRequest:
    actor: Actor
    full: bool = False


def run_cycle(monitor: Monitor, request: CycleRequest) -> dict[str, Any]:
    """Bring the book up to the store's state now (see ``rescreen.cycle``)."""
    request.actor.needs("admin")
    return cycle(monitor, request.actor.label, request.full).to_dict()
