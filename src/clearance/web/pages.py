"""Pages over the lists: Search, Entity, Lists (versions, diffs, updates).

Each handler decodes the request, calls the service the JSON API calls
(:class:`clearance.api.services.ApiServices`, or the store for versions and diffs, as
``clearance versions`` and ``clearance diff`` do) and builds its view with
:mod:`clearance.web.views`.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol, runtime_checkable

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from clearance import catalog
from clearance.api.services import Caller, SearchParams
from clearance.diff import Diff
from clearance.errors import InputError, NotFoundError, StoreError
from clearance.exposure import Exposure
from clearance.exposure.ownership import show
from clearance.ftm_names import FTM, is_ftm
from clearance.index.facets import SCHEMA_FAMILY
from clearance.model import SCHEMATA
from clearance.screen import today
from clearance.sources import REFERENCE_SOURCE_IDS, SOURCE_IDS
from clearance.store.info import VersionInfo
from clearance.store.keys import ApiKey
from clearance.store.users import Session
from clearance.web import views
from clearance.web.app import Page, base_path, context_of, signed_in, twin
from clearance.web.auth import csrf_form, require_page

router = APIRouter()
SignedIn = Annotated[Session, Depends(signed_in)]
PAGE_SIZE = 20
#: how far the ownership around an entity is shown, each way
OWNERSHIP_DEPTH = 2
SCHEMA_CHOICES = ("Thing", *sorted(set(SCHEMA_FAMILY) - {"Thing"} | set(SCHEMATA)))


@runtime_checkable
class VersionStore(Protocol):
    """What the lists pages read of the store, beside what the API's state reads."""

    def versions(self, source: str) -> list[VersionInfo]: ...

    def diff(self, source: str, from_version: int | None, to_version: int | None) -> Diff: ...


def caller(request: Request, session: Session, endpoint: str) -> Caller:
    """The signed-in user as the audit trail names a caller: their id and name, like a key."""
    user = session.user
    key = ApiKey(user.id, f"user:{user.name}", user.role, "", user.created_at)
    request_id = str(getattr(request.state, "request_id", "") or "")
    return Caller(key=key, request_id=request_id, endpoint=endpoint)


def source_titles(request: Request) -> dict[str, str]:
    sources = context_of(request).services.sources()
    return {s["source"]: s["title"] or s["source"] for s in sources}


@twin(router, "/search", "search")
def search(
    request: Request,
    session: SignedIn,
    q: Annotated[str, Query(max_length=1000)] = "",
    schema: Annotated[str, Query(max_length=40)] = "Thing",
    country: Annotated[str, Query(max_length=200)] = "",
    source: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=480)] = 0,
) -> Page:
    """One box; results with their lists, programs, legal effects, score and explanation."""
    require_page(session, "search")
    services = context_of(request).services
    countries = tuple(c.strip() for c in country.split(",") if c.strip())
    params = {"q": q, "schema": schema, "country": country, "source": source, "offset": offset}
    answer = None
    if q.strip():
        answer = services.search(
            SearchParams(
                q=q,
                schema=schema or "Thing",
                countries=countries,
                datasets=(source,) if source else (),
                limit=PAGE_SIZE,
                offset=offset,
            ),
            caller(request, session, "/ui/search"),
        )
    titles = source_titles(request)
    view = views.search_view(params, answer, titles)
    view["choices"] = {
        "schemata": list(SCHEMA_CHOICES),
        "sources": [{"id": k, "title": v} for k, v in sorted(titles.items())],
    }
    title = f"Search: {q}" if q.strip() else "Search"
    return Page("search.html", view, title, "search")


def _ownership(request: Request, entity_id: str) -> dict[str, Any] | None:
    """The graph around the entity and what it takes through its owners today, where the
    screener has the ownership graph."""
    state = context_of(request).services.state
    exposure = state.screener_for().annotator
    if not isinstance(exposure, Exposure):
        return None
    with state.lock:
        entity = state.store.get_entity(entity_id)
    data = show(exposure, entity, today(), OWNERSHIP_DEPTH)
    if not (data["owners"] or data["owned"] or data["findings"] or data["same_as"]):
        return {**data, "empty": True}
    return {**data, "empty": False}


@twin(router, "/entities/{entity_id:path}", "entity")
def entity(request: Request, session: SignedIn, entity_id: str) -> Page:
    """Everything about one listed entity; its history for analysts and above."""
    require_page(session, "entity")
    services = context_of(request).services
    data = services.history(entity_id)
    history = data["history"] if session.user.allows("analyst") else None
    titles = source_titles(request)
    source = data["entity"]["datasets"][0]
    view = views.entity_view(
        data["entity"], history, _ownership(request, entity_id), titles.get(source, source)
    )
    return Page("entity.html", view, data["entity"]["caption"], "search")


def _store(request: Request) -> VersionStore:
    store = context_of(request).services.state.store
    if not isinstance(store, VersionStore):
        raise StoreError("This server's store keeps no versions to show.")
    return store


def _missing(active: set[str]) -> list[str]:
    missing = [s for s in SOURCE_IDS if s not in active and s != FTM]
    if not any(is_ftm(s) for s in active):
        missing.append("ftm:<dataset>")
    return missing


@twin(router, "/lists", "lists")
def lists(request: Request, session: SignedIn) -> Page:
    """Each active list: version, publication date, counts, update status."""
    require_page(session, "lists")
    services = context_of(request).services
    sources = services.sources()
    outdated = services.catalog()["outdated"]
    active = services.state.active_versions()
    versions = {k: v for k, v in active.items() if isinstance(v, VersionInfo)}
    view = views.lists_view(
        sources, versions, outdated, _missing(set(active)), catalog.downloadable_sources()
    )
    view["reference"] = sorted(REFERENCE_SOURCE_IDS)
    return Page("lists.html", view, "Lists", "lists")


def _source_versions(request: Request, source: str) -> list[VersionInfo]:
    state = context_of(request).services.state
    store = _store(request)
    with state.lock:
        found = store.versions(source)
    if not found:
        raise NotFoundError(f"No version of {source!r} is stored.")
    return found


@twin(router, "/lists/{source}", "list_versions")
def list_versions(request: Request, session: SignedIn, source: str) -> Page:
    """Every stored version of one list, and the choice of two to compare."""
    require_page(session, "lists")
    found = _source_versions(request, source)
    view = {
        "source": source,
        "title": source_titles(request).get(source, source),
        "versions": [views.version_view(v) for v in reversed(found)],
    }
    return Page("versions.html", view, f"Versions of {source}", "lists")


@twin(router, "/lists/{source}/diff", "list_diff")
def list_diff(
    request: Request,
    session: SignedIn,
    source: str,
    from_: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to: Annotated[int | None, Query(ge=1)] = None,
    section: Annotated[str, Query(pattern="^(added|removed|changed)$")] = "changed",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page:
    """What changed between two versions of a list (default: the last two)."""
    require_page(session, "lists")
    _source_versions(request, source)  # a clear 404 for a list without versions
    state = context_of(request).services.state
    with state.lock:
        result = _store(request).diff(source, from_, to)
    view = views.diff_view(result, section, offset)
    view["title"] = source_titles(request).get(source, source)
    old, new = view["from"]["version"], view["to"]["version"]
    return Page("diff.html", view, f"{source}: version {old} to {new}", "lists")


@router.post("/lists/{source}/update", name="list_update")
async def list_update(request: Request, session: SignedIn, source: str) -> Response:
    """Download and import a new version now (admin), as ``POST /sources/{id}/update``."""
    await csrf_form(request)
    require_page(session, "list_update")
    if source not in catalog.downloadable_sources():
        raise InputError(f"{source} has no official download location to update from.")
    web = context_of(request)
    outcome = dict(await run_in_threadpool(web.updater, source))
    web.services.refresh()
    status = str(outcome.get("status", "done"))
    target = f"{base_path(request)}/lists?updated={source}&status={status}"
    return RedirectResponse(target, 303)
