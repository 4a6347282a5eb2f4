"""The composition root of the HTTP service: settings -> store -> services -> the API routes and
the analyst's web pages (`web`), which sit on the API's services; this module is above both.

``create_app(settings)`` opens the store and the screener itself; tests pass their own
(``store=``, ``screener=``) to run the app over fixture data or fakes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from fastapi import FastAPI

from clearance import __version__, catalog, web
from clearance.api import errors, monitoring, routes, routes_ops
from clearance.api.jobs import JobManager, JobRunner, JobSpec
from clearance.api.middleware import RequestGuard
from clearance.api.security import RateLimiter
from clearance.api.services import ApiServices, Caller
from clearance.api.state import ScreenerState, StoreLike
from clearance.catalog import UpdateRequest, open_store
from clearance.exposure import open_screener, refresh
from clearance.monitor.rescreen import Monitor, cycle
from clearance.monitor.schedule import CycleOptions, Scheduler
from clearance.monitor.webhooks import DeliveryThread
from clearance.screen import Screener
from clearance.screen_batch import RowResult
from clearance.settings import Settings
from clearance.store import open_database
from clearance.store.audit import AuditLog
from clearance.store.keys import ApiKey, KeyStore

DESCRIPTION = """Sanctions and export-control screening over the official lists.

`POST /match/{dataset}` speaks OpenSanctions yente's matching protocol. Every endpoint except
`/healthz`, `/readyz`, `/openapi.json` and `/docs` needs an API key, sent as
`Authorization: Bearer KEY` (or `ApiKey KEY`); create one with `clearance keys create NAME
--role screener|analyst|admin`. Errors are `{"error": {"code": ..., "message": ...}}`.
"""

Updater = Callable[[str], Mapping[str, Any]]


def _updater(settings: Settings) -> Updater:
    """Download and import one source, as `clearance update SOURCE` does, then bring the
    persisted index up to date (the screeners reload from it)."""

    def update(source_id: str) -> Mapping[str, Any]:
        with Monitor.open(settings) as monitor:
            outcome = catalog.update_source(
                monitor.store, settings, source_id, UpdateRequest(sources=(source_id,))
            )
            refresh(monitor.store, settings)
            report = None
            if outcome.status == "imported" and monitor.book.party_count():
                report = cycle(monitor, "system:update").to_dict()
        return {**outcome.to_dict(), "monitor": report}

    return update


def _job_runner(services: ApiServices, keys: KeyStore) -> JobRunner:
    """Screen a job's rows as the key that submitted it (audited under its id even when the
    key was deleted while the job ran)."""

    def run(
        rows: Iterable[Mapping[str, Any]], job: JobSpec, stop: Callable[[], None]
    ) -> Iterator[RowResult]:
        key = next((k for k in keys.list() if k.id == job.key_id), None)
        if key is None:
            key = ApiKey(job.key_id, job.key_name, "screener", "", "")
        options = services.batch_options(job.threshold, job.limit, job.sources, job.as_of)
        workers = max(1, services.settings.api_job_processes)
        options = replace(options, columns=job.columns, workers=workers)
        caller = Caller(key=key, request_id=job.job_id, endpoint="/jobs")
        return services.batch(rows, options, job.profile, caller, stop=stop)

    return run


def _default_services(settings: Settings) -> tuple[StoreLike, Screener, Callable[[str], Screener]]:
    store = open_store(settings)
    screener = open_screener(settings)
    return store, screener, lambda profile: open_screener(settings, profile)


TAGS = [
    {"name": "Matching", "description": "yente-compatible matching and search"},
    {"name": "Screening", "description": "Batches and background jobs"},
    {"name": "Data access", "description": "Listed entities and list versions"},
    {"name": "Admin", "description": "Keys and source updates (admin role)"},
    {"name": "Monitoring", "description": "The party book, alerts, decisions, audit, webhooks"},
    {"name": "Health", "description": "Liveness and readiness (no key needed)"},
]


def _fastapi(lifespan: Any) -> FastAPI:
    return FastAPI(
        title="clearance",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=TAGS,
    )


def create_app(
    settings: Settings,
    *,
    store: StoreLike | None = None,
    screener: Screener | None = None,
    screener_factory: Callable[[str], Screener] | None = None,
    updater: Updater | None = None,
) -> FastAPI:
    """Build the API over ``settings`` (and the given services, for tests)."""
    if store is None or screener is None:
        default_store, default_screener, default_factory = _default_services(settings)
        store = store or default_store
        screener = screener or default_screener
        screener_factory = screener_factory or default_factory
    settings.home.mkdir(parents=True, exist_ok=True)
    # one connection each: their statements never share a transaction or a lock
    keys = KeyStore(open_database(settings.database_location))
    state = ScreenerState(settings, store, screener, screener_factory)
    services = ApiServices(
        settings=settings,
        state=state,
        audit=AuditLog(open_database(settings.database_location)),
    )
    jobs = JobManager(
        settings.home / "jobs", _job_runner(services, keys), workers=settings.api_job_workers
    )
    monitor = monitoring.MonitorApi.open(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        background: list[DeliveryThread | Scheduler] = [DeliveryThread(monitor.book).start()]
        if settings.monitor_every > 0:
            options = CycleOptions(actor="system:scheduler")
            background.append(Scheduler(settings, settings.monitor_every, options).start())
        yield
        for item in background:
            item.stop()
        jobs.shutdown()
        monitor.close()
        keys.close()
        services.audit.close()
        interface.close()

    app = _fastapi(lifespan)
    app.state.settings = settings
    app.state.services = services
    app.state.keys = keys
    app.state.jobs = jobs
    app.state.monitoring = monitor
    app.state.limiter = RateLimiter(settings.api_rate_per_minute, settings.api_rate_burst)
    app.state.updater = updater or _updater(settings)
    app.include_router(routes.router)
    app.include_router(routes_ops.router)
    app.include_router(monitoring.router)
    app.include_router(routes_ops.health)
    # the analyst's web interface at /ui, over the same services (`/` leads there)
    interface = web.mount(app, settings, services, jobs, app.state.updater, monitor)
    errors.install(app)

    def body_limit(path: str) -> int:
        if path.rstrip("/").endswith(("/jobs", "/book/imports")):
            return settings.api_max_upload_bytes
        return settings.api_max_body_bytes

    def time_limit(path: str) -> float | None:
        # uploads, and a cycle that re-screens the book, run as long as they need
        if path.rstrip("/").endswith(("/jobs", "/book/imports", "/monitor/cycle")):
            return None
        return settings.api_request_timeout

    def json_paths(path: str) -> bool:
        # behind a proxy the path may carry a prefix (--root-path)
        path = path.rstrip("/")
        return (
            path.endswith(("/screen", "/keys", "/decisions", "/webhooks"))
            or "/match/" in path
            or "/book/parties/" in path
        )

    app.add_middleware(
        RequestGuard, body_limit=body_limit, timeout=time_limit, json_paths=json_paths
    )
    return app


def create_app_from_env() -> FastAPI:
    """The app for ``clearance serve``: settings from the environment, built in each worker."""
    return create_app(Settings.from_env())
