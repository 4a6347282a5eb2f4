"""The composition root of the HTTP service: settings -> store -> services -> routes.

``create_app(settings)`` opens the store and the screener itself; tests pass their own
(``store=``, ``screener=``) to run the app over fixture data or fakes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from clearance import __version__, catalog
from clearance.api import errors, routes, routes_ops
from clearance.api.jobs import JobManager
from clearance.api.middleware import RequestGuard
from clearance.api.security import RateLimiter
from clearance.api.services import ApiServices, Caller, ScreenerLike, ScreenParams, StoreLike
from clearance.catalog import UpdateRequest
from clearance.exposure import open_screener, refresh
from clearance.settings import Settings
from clearance.store import Store
from clearance.store.audit import AuditLog
from clearance.store.keys import ApiKey, KeyStore, open_database

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
        with Store.open(settings) as store:
            outcome = catalog.update_source(
                store, settings, source_id, UpdateRequest(sources=(source_id,))
            )
            refresh(store, settings)
        return outcome.to_dict()

    return update


def _job_screener(services: ApiServices, keys: KeyStore) -> Callable[..., list[dict[str, Any]]]:
    def screen_chunk(
        rows: list[dict[str, Any]], options: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        key = next((k for k in keys.list() if k.id == options["key_id"]), None)
        if key is None:  # the key was deleted while the job ran: audit under its id
            key = ApiKey(options["key_id"], str(options.get("key_name", "")), "screener", "", "")
        params = ScreenParams(
            rows=rows,
            profile=options.get("profile"),
            threshold=options.get("threshold"),
            limit=int(options.get("limit") or 5),
        )
        caller = Caller(key=key, request_id=str(options["job_id"]), endpoint="/jobs")
        return services.screen_rows(params, caller)

    return screen_chunk


def _default_services(settings: Settings) -> tuple[StoreLike, ScreenerLike, Callable[[str], Any]]:
    store = Store.open(settings)
    screener = open_screener(settings)
    return store, screener, lambda profile: open_screener(settings, profile)


TAGS = [
    {"name": "Matching", "description": "yente-compatible matching and search"},
    {"name": "Screening", "description": "Batches and background jobs"},
    {"name": "Data access", "description": "Listed entities and list versions"},
    {"name": "Admin", "description": "Keys and source updates (admin role)"},
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
    screener: ScreenerLike | None = None,
    screener_factory: Callable[[str], ScreenerLike] | None = None,
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
    keys = KeyStore(open_database(str(settings.database_path)))
    services = ApiServices(
        settings=settings,
        store=store,
        screener=screener,
        audit=AuditLog(open_database(str(settings.database_path))),
        screener_factory=screener_factory,
    )
    jobs = JobManager(
        settings.home / "jobs", _job_screener(services, keys), workers=settings.api_job_workers
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()
        keys.close()
        services.audit.close()

    app = _fastapi(lifespan)
    app.state.settings = settings
    app.state.services = services
    app.state.keys = keys
    app.state.jobs = jobs
    app.state.limiter = RateLimiter(settings.api_rate_per_minute, settings.api_rate_burst)
    app.state.updater = updater or _updater(settings)
    app.include_router(routes.router)
    app.include_router(routes_ops.router)
    app.include_router(routes_ops.health)
    errors.install(app)

    def body_limit(path: str) -> int:
        if path.rstrip("/").endswith("/jobs"):
            return settings.api_max_upload_bytes
        return settings.api_max_body_bytes

    def time_limit(path: str) -> float | None:
        if path.rstrip("/").endswith("/jobs"):
            return None
        return settings.api_request_timeout

    app.add_middleware(RequestGuard, body_limit=body_limit, timeout=time_limit)
    return app


def create_app_from_env() -> FastAPI:
    """The app for ``clearance serve``: settings from the environment, built in each worker."""
    return create_app(Settings.from_env())
