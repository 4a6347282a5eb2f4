"""The monitoring side of the HTTP service: the book, alerts and decisions, the audit chain,
evidence pages, webhooks, cycles and the schedule. Thin: each handler decodes, calls one
service function of :mod:`clearance.monitor.service` with the caller's key as the actor (its
name and role), and encodes. Roles (the table :data:`clearance.monitor.service.NEEDS`):
analysts read and change the book and decide alerts, reviewers confirm true matches, admins
read the audit chain and manage webhooks and cycles.

What screens the book (an import, a party put, a cycle) runs under one lock per process (the
monitor's file lock orders processes); what only reads or decides uses a connection of its
own, or the service's list store under its lock (evidence): reading never waits for an
import of the book.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from clearance.api.errors import JsonResponse
from clearance.api.jobs import WorkQueue, save_upload, submit_upload
from clearance.api.models_monitor import (
    Alert,
    BookPage,
    ChainRecord,
    CycleReport,
    DecisionBody,
    Delivery,
    Head,
    ImportStatus,
    PartyBody,
    PartyDetail,
    PartyRemoved,
    Verification,
    Webhook,
    WebhookCreate,
    WebhookCreated,
)
from clearance.api.routes import ERRORS, services
from clearance.api.security import require
from clearance.api.state import ScreenerState
from clearance.errors import InputError, StoreError
from clearance.monitor import evidence, service
from clearance.monitor.rescreen import Monitor
from clearance.settings import Settings
from clearance.store import Store, open_database
from clearance.store.keys import ApiKey
from clearance.store.monitor import MonitorStore

router = APIRouter(default_response_class=JsonResponse, responses=ERRORS)

# the roles each part needs, from the monitoring service's one table (the web pages read it too)
BookKey = Annotated[ApiKey, Depends(require(service.NEEDS["book"]))]
AlertsKey = Annotated[ApiKey, Depends(require(service.NEEDS["alerts"]))]
DecideKey = Annotated[ApiKey, Depends(require(service.NEEDS["decide"]))]
EvidenceKey = Annotated[ApiKey, Depends(require(service.NEEDS["evidence"]))]
AuditKey = Annotated[ApiKey, Depends(require(service.NEEDS["audit"]))]
WebhooksKey = Annotated[ApiKey, Depends(require(service.NEEDS["webhooks"]))]
CycleKey = Annotated[ApiKey, Depends(require(service.NEEDS["cycle"]))]
#: the largest id a request may name (SQLite integers are 64-bit)
MAX_ID = 2**62
AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]
WebhookId = Annotated[int, Path(ge=1, le=MAX_ID)]
Reference = Annotated[str, Path(min_length=1, max_length=200)]


def actor(key: ApiKey, by: str = "") -> service.Actor:
    """The caller as an actor: the key (as the credential) with its role, deciding as itself
    or as the person it names."""
    return service.Actor(by.strip() or key.name, key.role, "key", principal=key.name)


@dataclass
class MonitorApi:
    """The monitoring state of a server process."""

    settings: Settings
    book: MonitorStore
    imports: BookImports
    _monitor: Monitor | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: Settings) -> MonitorApi:
        book = MonitorStore(open_database(settings.database_location))
        found = cls(settings, book, BookImports(settings.home / "book-imports"))
        found.imports.runner = found.run_import
        return found

    @contextmanager
    def monitor(self) -> Iterator[Monitor]:
        """The process's monitor, one caller at a time."""
        with self._lock:
            if self._monitor is None:
                self._monitor = Monitor.open(self.settings, max(1, self.settings.api_job_processes))
            yield self._monitor

    def run_import(
        self, path: FilePath, fmt: str, replace: bool, who: service.Actor
    ) -> dict[str, Any]:
        request = service.ImportRequest(path, who, fmt=fmt, replace=replace)
        with self.monitor() as monitor:
            return service.import_book(monitor, request)

    def close(self) -> None:
        self.imports.shutdown()
        with self._lock:
            if self._monitor is not None:
                self._monitor.close()
                self._monitor = None
        self.book.connection.close()


Runner = Any


@dataclass
class BookImports:
    """Book files imported in the background, one at a time, on the queue screening jobs use
    (status in files: any process of the server answers for any import)."""

    home: FilePath
    runner: Runner = None

    def __post_init__(self) -> None:
        self.work = WorkQueue(self.home, "imp_", "import")

    def status(self, import_id: str) -> dict[str, Any]:
        found = self.work.read(import_id)
        return {k: v for k, v in found.items() if k in ImportStatus.model_fields}

    def submit(self, data: BinaryIO | bytes, fmt: str, replace: bool,
               who: service.Actor) -> dict[str, Any]:  # fmt: skip
        import_id, folder = self.work.new()
        path = folder / f"input.{fmt}"
        try:
            save_upload(data, path)
        except InputError:
            shutil.rmtree(folder, ignore_errors=True)
            raise

        def run(status: dict[str, Any]) -> None:
            status["report"] = self.runner(path, fmt, replace, who)

        status = self.work.queue(import_id, {"replace": replace}, run)
        return {k: v for k, v in status.items() if k in ImportStatus.model_fields}

    def shutdown(self) -> None:
        self.work.shutdown()


def api(request: Request) -> MonitorApi:
    value: MonitorApi = request.app.state.monitoring
    return value


# -- the book -------------------------------------------------------------------------------


@router.get("/book/parties", tags=["Monitoring"], response_model=BookPage)
def list_parties(
    request: Request,
    key: BookKey,
    limit: Annotated[int, Query(ge=0, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    """The parties of the book, by reference, with their live alerts (analyst role)."""
    return JsonResponse(service.list_parties(api(request).book, service.BookQuery(limit, offset)))


@router.get("/book/parties/{reference}", tags=["Monitoring"], response_model=PartyDetail)
def get_party(request: Request, key: BookKey, reference: Reference) -> Any:
    """A party: what is kept of it and screened, its alerts now and before."""
    return JsonResponse(service.show_party(api(request).book, reference))


@router.put("/book/parties/{reference}", tags=["Monitoring"], response_model=PartyDetail)
def put_party(request: Request, key: BookKey, reference: Reference, body: PartyBody) -> Any:
    """Add or change a party; it is screened now when its screened data changed, and its
    matches open alerts."""
    data = body.model_dump(by_alias=True)
    extra = data.pop("extra") or {}
    row = {k: v for k, v in {**extra, **data}.items() if v not in ("", [], None)}
    with api(request).monitor() as monitor:
        found = service.put_party(monitor, service.PartyRequest(reference, row, actor(key)))
    return JsonResponse(found)


@router.delete("/book/parties/{reference}", tags=["Monitoring"], response_model=PartyRemoved)
def delete_party(request: Request, key: BookKey, reference: Reference) -> Any:
    """Remove a party; its live alerts close."""
    with api(request).monitor() as monitor:
        return JsonResponse(service.remove_party(monitor, reference, actor(key)))


@router.post("/book/imports", tags=["Monitoring"], status_code=202, response_model=ImportStatus)
async def import_book(
    request: Request,
    key: BookKey,
    format: Annotated[str | None, Query(pattern="^(csv|jsonl|xlsx|parquet)$")] = None,
    replace: bool = False,
) -> Any:
    """Import a book file (the raw body or the ``file`` field of a form) in the background, as
    `clearance book import` does; poll `GET /book/imports/{id}`."""
    imports, who = api(request).imports, actor(key)
    status = await submit_upload(
        request, format, lambda data, fmt: imports.submit(data, fmt, replace, who)
    )
    return JsonResponse(status, status_code=202)


@router.get("/book/imports/{import_id}", tags=["Monitoring"], response_model=ImportStatus)
def import_status(request: Request, key: BookKey, import_id: str) -> Any:
    """An import's state, and its report once done."""
    return JsonResponse(api(request).imports.status(import_id))


# -- alerts ---------------------------------------------------------------------------------


@router.get("/alerts", tags=["Monitoring"], response_model=list[Alert])
def list_alerts(
    request: Request,
    key: AlertsKey,
    state: Annotated[str, Query(max_length=200, description="A state, or several: a,b")] = "",
    party: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    after: Annotated[int, Query(ge=0, le=MAX_ID, description="Only alerts with a larger id")] = 0,
    source: Annotated[str, Query(max_length=200, description="The listed entity's list")] = "",
    min_score: Annotated[float, Query(ge=0, le=1)] = 0.0,
    older_than_days: Annotated[float | None, Query(ge=0, le=100_000)] = None,
    newer_than_days: Annotated[float | None, Query(ge=0, le=100_000)] = None,
) -> Any:
    """Alerts, oldest first, filtered by state, party, list, lowest score and age."""
    query = service.AlertsQuery(state, party, limit, after, source, min_score, older_than_days,
                                newer_than_days)  # fmt: skip
    return JsonResponse(service.list_alerts(api(request).book, query))


@router.get("/alerts/{alert_id}", tags=["Monitoring"], response_model=Alert)
def get_alert(request: Request, key: AlertsKey, alert_id: AlertId) -> Any:
    return JsonResponse(service.get_alert(api(request).book, alert_id))


@router.post("/alerts/{alert_id}/decisions", tags=["Monitoring"], response_model=Alert)
def decide(request: Request, key: DecideKey, alert_id: AlertId, body: DecisionBody) -> Any:
    """Decide an alert: analysts escalate it or clear it as a false positive; a true match
    needs the reviewer role (and, with four-eyes on, someone other than who escalated)."""
    found = service.decide(
        api(request).book,
        service.DecideRequest(alert_id, body.decision, body.reason, actor(key, body.by)),
        request.app.state.settings.four_eyes,
    )
    return JsonResponse(found)


# -- the audit chain and evidence -----------------------------------------------------------


@router.get("/audit", tags=["Monitoring"], response_model=list[ChainRecord])
def audit(
    request: Request,
    key: AuditKey,
    party: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    kind: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006 - FastAPI copies it
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> Any:
    """Records of the audit chain, newest first (admin role)."""
    query = service.AuditQuery(party, since, tuple(kind), limit, newest_first=True)
    return JsonResponse(service.audit_entries(api(request).book, query))


@router.get("/audit/verify", tags=["Monitoring"], response_model=Verification)
def audit_verify(
    request: Request, key: AuditKey, head: Annotated[str, Query(max_length=64)] = ""
) -> Any:
    """Check the whole chain (and that a head hash kept elsewhere is in it)."""
    return JsonResponse(service.verify_chain(api(request).book, head))


@router.get("/audit/head", tags=["Monitoring"], response_model=Head)
def audit_head(request: Request, key: AuditKey) -> Any:
    return JsonResponse(service.chain_head(api(request).book))


def party_evidence(state: ScreenerState, book: MonitorStore, reference: str) -> dict[str, Any]:
    """The evidence of a party (:func:`clearance.monitor.evidence.gather`), read from the
    service's list store under its lock: never behind the monitor's lock, which a book import
    holds for as long as it screens."""
    store = state.store
    if not isinstance(store, Store):
        raise StoreError("This server's store keeps no list versions to show.")
    with state.lock:
        return evidence.gather(store, book, reference)


def _evidence(request: Request, reference: str) -> dict[str, Any]:
    return party_evidence(services(request).state, api(request).book, reference)


@router.get("/evidence/{reference}.json", tags=["Monitoring"])
def evidence_json(request: Request, key: EvidenceKey, reference: Reference) -> Any:
    """The evidence page's data."""
    return JsonResponse(_evidence(request, reference))


@router.get(
    "/evidence/{reference}",
    tags=["Monitoring"],
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def evidence_page(request: Request, key: EvidenceKey, reference: Reference) -> Any:
    """The evidence page of a party: self-contained, printable HTML."""
    return HTMLResponse(evidence.render(_evidence(request, reference)))


# -- webhooks and cycles --------------------------------------------------------------------


@router.get("/webhooks", tags=["Monitoring"], response_model=list[Webhook])
def list_webhooks(request: Request, key: WebhooksKey) -> Any:
    return JsonResponse(service.list_webhooks(api(request).book, actor(key)))


@router.post("/webhooks", tags=["Monitoring"], status_code=201, response_model=WebhookCreated)
def add_webhook(request: Request, key: WebhooksKey, body: WebhookCreate) -> Any:
    """Register a webhook; the answer holds its signing secret, this once."""
    found = service.add_webhook(
        api(request).book,
        service.WebhookRequest(body.url, tuple(body.events), actor(key), body.secret),
    )
    return JsonResponse(found, status_code=201)


@router.delete("/webhooks/{webhook_id}", tags=["Monitoring"], response_model=Webhook)
def remove_webhook(request: Request, key: WebhooksKey, webhook_id: WebhookId) -> Any:
    return JsonResponse(service.remove_webhook(api(request).book, webhook_id, actor(key)))


@router.get("/webhooks/{webhook_id}/deliveries", tags=["Monitoring"],
            response_model=list[Delivery])  # fmt: skip
def webhook_deliveries(
    request: Request,
    key: WebhooksKey,
    webhook_id: WebhookId,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """The delivery log of a webhook, newest first."""
    return JsonResponse(service.webhook_deliveries(api(request).book, actor(key), webhook_id,
                                                   limit))  # fmt: skip


@router.post("/monitor/cycle", tags=["Monitoring"], response_model=CycleReport)
def run_cycle(request: Request, key: CycleKey, full: bool = False) -> Any:
    """Bring the book up to the lists now: re-screen what changed (every party with
    ``full``)."""
    with api(request).monitor() as monitor:
        found = service.run_cycle(monitor, service.CycleRequest(actor(key), full))
    return JsonResponse(found)
