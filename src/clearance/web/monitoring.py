"""Pages over the monitoring book: Alerts (the queue, an alert, deciding it), the book's
parties and their evidence pages, and the Audit chain.

Each handler calls the function of :mod:`clearance.monitor.service` that ``clearance alerts``,
``clearance book``, ``clearance audit`` and the HTTP API call, with the signed-in user as the
actor (``web:NAME`` in the audit chain, with the user's role), and builds its view with
:mod:`clearance.web.monitor_views`. Who may see what is the service's table
(:data:`clearance.monitor.service.NEEDS`); who may decide what, its decision rules.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from clearance.api.errors import JsonResponse
from clearance.api.monitoring import party_evidence
from clearance.errors import InputError, StoreError
from clearance.monitor import evidence, service
from clearance.store import Store
from clearance.store.monitor import MonitorStore
from clearance.store.users import Session
from clearance.web import monitor_views
from clearance.web.app import NO_STORE, Page, base_path, context_of, signed_in, twin
from clearance.web.auth import csrf_form, require_page

router = APIRouter()
SignedIn = Annotated[Session, Depends(signed_in)]
#: alerts per page of the queue, records per page of the audit chain, parties per page
QUEUE_PAGE = 50
AUDIT_PAGE = 100
BOOK_PAGE = 100
MAX_ID = 2**62
AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: the record kinds offered by the audit page's filter (any kind may be typed)
AUDIT_KINDS = (
    "screening",
    "alert.opened",
    "alert.decided",
    "alert.closed",
    "list.activated",
    "monitor.step",
    "party.removed",
    "webhook.added",
    "webhook.removed",
    "store.copied",
)
#: the evidence page carries its own style inline and no script: it is allowed that style only
EVIDENCE_CSP = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(evidence.STYLE.encode()).digest()).decode()
    + "'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)


def actor_of(session: Session) -> service.Actor:
    """The signed-in user as the monitoring service's actor (``web:NAME``)."""
    return service.Actor(session.user.name, session.user.role, "web")


def book_of(request: Request) -> MonitorStore:
    return context_of(request).monitoring.book


def store_of(request: Request) -> Store:
    store = context_of(request).services.state.store
    if not isinstance(store, Store):
        raise StoreError("This server's store keeps no list versions to show.")
    return store


def _number(text: str, what: str, high: float) -> float | None:
    """A number typed in a filter ("" for none)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"The {what} {text!r} is not a number.") from None
    if not 0 <= value <= high:
        raise InputError(f"The {what} is a number from 0 to {high:g}, not {text}.")
    return value


# -- the queue and one alert ----------------------------------------------------------------


@twin(router, "/alerts", "alerts")
def alerts(
    request: Request,
    session: SignedIn,
    state: Annotated[str, Query(max_length=200)] = "open,escalated",
    source: Annotated[str, Query(max_length=200)] = "",
    party: Annotated[str, Query(max_length=200)] = "",
    min_score: Annotated[str, Query(max_length=20)] = "",
    older_than: Annotated[str, Query(max_length=20)] = "",
    newer_than: Annotated[str, Query(max_length=20)] = "",
    order: Annotated[str, Query(pattern="^(oldest|newest|score)$")] = "oldest",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = QUEUE_PAGE,
) -> Page:
    """The alert queue: filters for state, list, lowest score, party and age, a page at a
    time (``clearance alerts``, ``GET /alerts``)."""
    require_page(session, "alerts")
    book = book_of(request)
    params = {"state": state, "source": source, "party": party, "min_score": min_score,
              "older_than": older_than, "newer_than": newer_than, "order": order,
              "limit": limit}  # fmt: skip
    query = service.AlertsQuery(
        state=state,
        party=party,
        limit=limit,
        source=source,
        min_score=_number(min_score, "lowest score", 1.0) or 0.0,
        older_than_days=_number(older_than, "age in days", 100_000),
        newer_than_days=_number(newer_than, "age in days", 100_000),
        offset=offset,
        order=order,
    )
    page = service.alert_page(book, query)
    view = monitor_views.queue_view(params, page, service.alert_sources(book))
    return Page("alerts.html", view, "Alerts", "alerts")


def _next_alert(book: MonitorStore, alert_id: int) -> int | None:
    """The next alert of the queue's default view after this one (for the "next" key)."""
    found = service.list_alerts(book, service.AlertsQuery("open,escalated", "", 1, alert_id))
    return int(found[0]["id"]) if found else None


@twin(router, "/alerts/{alert_id}", "alert")
def alert(
    request: Request,
    session: SignedIn,
    alert_id: AlertId,
    decided: Annotated[str, Query(max_length=40)] = "",
) -> Page:
    """An alert: the party and the listed entity side by side, why it scored so, every
    decision on it and on the earlier alerts of the pair, and the decision form."""
    require_page(session, "alerts")
    web = context_of(request)
    book = book_of(request)
    store = store_of(request)
    with web.services.state.lock:
        detail = service.alert_detail(store, book, alert_id)
    found = detail["alert"]
    earlier = []
    if detail["party"] is not None:
        history = service.show_party(book, found["party"])["history"]
        earlier = [a for a in history if a["entity_id"] == found["entity_id"]
                   and a["id"] != alert_id]  # fmt: skip
    open_decisions = service.decisions_open(
        book, alert_id, actor_of(session), web.settings.four_eyes
    )
    view = monitor_views.alert_view(detail, open_decisions, earlier, _next_alert(book, alert_id))
    view["decided"] = decided if decided in open_decisions else ""  # a decision's name only
    view["four_eyes"] = web.settings.four_eyes
    title = f"Alert {alert_id}: {found['party']} / {found['name']}"
    return Page("alert.html", view, title, "alerts")


def _field(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


@router.post("/alerts/{alert_id}/decide", name="alert_decide")
async def alert_decide(request: Request, session: SignedIn, alert_id: AlertId) -> Response:
    """Decide an alert with a reason (``clearance alerts decide``, ``POST
    /alerts/{id}/decisions``): the service checks the role, the state and four-eyes."""
    form = await csrf_form(request)
    require_page(session, "alerts")
    web = context_of(request)
    decision = _field(form, "decision", 40)
    if not decision:
        raise InputError("Choose a decision.")
    request_ = service.DecideRequest(
        alert_id, decision, _field(form, "reason", 4000), actor_of(session)
    )
    await run_in_threadpool(service.decide, book_of(request), request_, web.settings.four_eyes)
    return RedirectResponse(f"{base_path(request)}/alerts/{alert_id}?decided={decision}", 303)


# -- the book: parties and evidence ---------------------------------------------------------


@twin(router, "/parties", "parties")
def parties(
    request: Request,
    session: SignedIn,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page:
    """The parties of the book, by reference, with their live alerts (``clearance book
    list``)."""
    require_page(session, "party")
    found = service.list_parties(book_of(request), service.BookQuery(BOOK_PAGE, offset))
    view = {**found, "limit": BOOK_PAGE, "more": offset + BOOK_PAGE < found["total"]}
    return Page("parties.html", view, "The book", "parties")


@twin(router, "/parties/{reference:path}", "party")
def party(request: Request, session: SignedIn, reference: str) -> Page:
    """Everything about one party of the book: what is kept and screened of it, its alerts
    now and before with their decisions, and its evidence page (``clearance book show``)."""
    require_page(session, "party")
    if len(reference) > 200:
        raise InputError("A party reference has at most 200 characters.")
    view = monitor_views.party_view(service.show_party(book_of(request), reference))
    return Page("party.html", view, f"Party {reference}", "parties")


def _evidence(request: Request, reference: str) -> dict[str, Any]:
    if len(reference) > 200:
        raise InputError("A party reference has at most 200 characters.")
    return party_evidence(context_of(request).services.state, book_of(request), reference)


@router.get("/evidence/{reference:path}.json", name="evidence_json")
def evidence_json(request: Request, session: SignedIn, reference: str) -> Response:
    """The evidence page's data (``GET /evidence/{reference}.json``)."""
    require_page(session, "evidence")
    return JsonResponse(_evidence(request, reference), headers=NO_STORE)


@router.get("/evidence/{reference:path}", name="evidence")
def evidence_page(request: Request, session: SignedIn, reference: str) -> Response:
    """The party's evidence page, as ``clearance evidence`` writes it: self-contained and
    printable, its own style inline and no script."""
    require_page(session, "evidence")
    html = evidence.render(_evidence(request, reference))
    return HTMLResponse(html, headers={**NO_STORE, "content-security-policy": EVIDENCE_CSP})


# -- the audit chain ------------------------------------------------------------------------


@twin(router, "/audit", "audit")
def audit(
    request: Request,
    session: SignedIn,
    party: Annotated[str, Query(max_length=200)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    before: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = AUDIT_PAGE,
) -> Page:
    """The audit chain, newest first, filtered by party, actor, kind and time (``clearance
    audit``, ``GET /audit``), with its head; its verification is a page of its own."""
    require_page(session, "audit")
    book = book_of(request)
    params = {"party": party, "actor": actor, "kind": kind, "since": since, "before": before,
              "limit": limit}  # fmt: skip
    query = service.AuditQuery(party.strip(), since.strip(), (kind.strip(),), limit + 1,
                               newest_first=True, actor=actor, before_seq=before)  # fmt: skip
    records = service.audit_entries(book, query)
    view = monitor_views.audit_view(params, records, limit, service.chain_head(book), AUDIT_KINDS)
    return Page("audit.html", view, "Audit", "audit")


@twin(router, "/audit/verify", "audit_verify")
def audit_verify(request: Request, session: SignedIn) -> Page:
    """Every record of the chain checked, in order (``clearance audit verify``)."""
    require_page(session, "audit")
    view = service.verify_chain(book_of(request))
    return Page("verify.html", view, "Audit chain verification", "audit")
