"""Screening routes: match (yente-compatible), search, screen, entities. Thin: decode, call
one service method, encode."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from clearance.api.errors import JsonResponse
from clearance.api.models import (
    AlgorithmsResponse,
    CatalogResponse,
    EntityMatchQuery,
    EntityMatchResponse,
    EntityResponse,
    ErrorResponse,
    HistoryResponse,
    ScreenRequest,
    ScreenResponse,
    SearchResponse,
    SourcesResponse,
)
from clearance.api.security import charge, require
from clearance.api.services import ApiServices, Caller, MatchParams, ScreenParams, SearchParams
from clearance.store.keys import ApiKey

TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
AsOf = Annotated[
    str | None,
    Query(pattern=DAY_PATTERN, description="Day listings and ownership rules are read for"),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid query"},
    401: {"model": ErrorResponse, "description": "Missing, unknown or revoked API key"},
    403: {"model": ErrorResponse, "description": "The key's role is too low"},
    404: {"model": ErrorResponse, "description": "Unknown dataset or entity"},
    409: {"model": ErrorResponse, "description": "Exists already"},
    413: {"model": ErrorResponse, "description": "Body or batch too large"},
    415: {"model": ErrorResponse, "description": "Body is not JSON"},
    422: {"model": ErrorResponse, "description": "Malformed request"},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded"},
    504: {"model": ErrorResponse, "description": "Time limit exceeded"},
}

router = APIRouter(default_response_class=JsonResponse, responses=ERRORS)

ScreenerKey = Annotated[ApiKey, Depends(require("screener"))]
AnalystKey = Annotated[ApiKey, Depends(require("analyst"))]


def services(request: Request) -> ApiServices:
    value: ApiServices = request.app.state.services
    return value


def caller(request: Request, key: ApiKey) -> Caller:
    return Caller(
        key=key,
        request_id=request.state.request_id,
        endpoint=request.url.path,
        client_request_id=getattr(request.state, "client_request_id", ""),
    )


def deadline(request: Request) -> float:
    return time.monotonic() + float(request.app.state.settings.api_request_timeout)


@router.post(
    "/match/{dataset}",
    summary="Query by example matcher (yente-compatible)",
    tags=["Matching"],
    response_model=EntityMatchResponse,
)
def match(
    request: Request,
    key: ScreenerKey,
    body: EntityMatchQuery,
    dataset: Annotated[str, Path(description="'default' (all lists) or a source id")],
    limit: Annotated[int, Query(ge=1, le=500, title="Results per query")] = 5,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0, title="Match threshold")] = None,
    cutoff: Annotated[float | None, Query(ge=0.0, le=1.0, deprecated=True)] = None,
    algorithm: Annotated[str, Query(title="A profile name, or a yente name (best...)")] = "best",
    include_dataset: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    exclude_dataset: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_schema: Annotated[list[str], Query()] = [],  # noqa: B006
    topics: Annotated[list[str], Query(description="Accepted for yente compatibility")] = [],  # noqa: B006
    changed_since: Annotated[str | None, Query(pattern=TS_PATTERN)] = None,
    exclude_entity_ids: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    as_of: AsOf = None,
) -> Any:
    """Match a batch of example entities (FollowTheMoney shape) against the lists, like
    OpenSanctions yente's `/match`. Each query is a schema and properties such as `name`,
    `birthDate`, `nationality`, `idNumber`; results are scored listed entities, best first,
    and `total` counts every candidate at or above the threshold. Filters (datasets, schemata,
    excluded ids, `changed_since`) are applied before ranking. Values that cannot be read are
    left out and named in `warnings`. Each query counts against the key's rate limit."""
    charge(request, key, len(body.queries))
    params = MatchParams(
        limit=limit,
        threshold=threshold,
        cutoff=cutoff,
        algorithm=algorithm,
        changed_since=changed_since,
        exclude_entity_ids=tuple(exclude_entity_ids),
        include_dataset=tuple(include_dataset),
        exclude_dataset=tuple(exclude_dataset),
        exclude_schema=tuple(exclude_schema),
        deadline=deadline(request),
        as_of=as_of or "",
    )
    result = services(request).match(dataset, body.queries, params, caller(request, key))
    return JsonResponse(result, headers={"x-batch-size": str(len(result["responses"]))})


Q = Annotated[str, Query(min_length=1, max_length=1000, title="Name to search for")]
SchemaFilter = Annotated[str, Query(title="Thing, LegalEntity, Person, Company...")]
Countries = Annotated[list[str], Query(title="ISO country codes")]
Datasets = Annotated[list[str], Query(title="Source ids")]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=400)]
Threshold = Annotated[float | None, Query(ge=0.0, le=1.0)]
ChangedSince = Annotated[str | None, Query(pattern=TS_PATTERN)]


@router.get("/search", tags=["Matching"], response_model=SearchResponse)
def search(
    request: Request,
    key: ScreenerKey,
    q: Q,
    schema: SchemaFilter = "Thing",
    countries: Countries = [],  # noqa: B006 - FastAPI copies defaults
    datasets: Datasets = [],  # noqa: B006
    limit: Limit = 10,
    offset: Offset = 0,
    threshold: Threshold = None,
    changed_since: ChangedSince = None,
    as_of: AsOf = None,
) -> Any:
    """Search the lists for a name: every listed entity whose names score above zero (or
    `threshold`) against it, best first, `limit` at a time from `offset`; `total` counts them
    all. Schema, country, list and `changed_since` filters apply before ranking."""
    params = SearchParams(
        q=q,
        schema=schema,
        countries=tuple(countries),
        datasets=tuple(datasets),
        limit=limit,
        offset=offset,
        threshold=threshold,
        changed_since=changed_since,
        as_of=as_of or "",
    )
    return JsonResponse(services(request).search(params, caller(request, key)))


@router.get("/search/{dataset}", tags=["Matching"], response_model=SearchResponse)
def search_dataset(
    request: Request,
    key: ScreenerKey,
    dataset: Annotated[str, Path(description="'default' (all lists) or a source id")],
    q: Q,
    schema: SchemaFilter = "Thing",
    countries: Countries = [],  # noqa: B006
    datasets: Datasets = [],  # noqa: B006
    limit: Limit = 10,
    offset: Offset = 0,
    threshold: Threshold = None,
    changed_since: ChangedSince = None,
    as_of: AsOf = None,
) -> Any:
    """yente's form of `/search`: the dataset in the path (`default` for all lists)."""
    scope = tuple(datasets) if dataset == "default" else (dataset,)
    params = SearchParams(
        q=q,
        schema=schema,
        countries=tuple(countries),
        datasets=scope,
        limit=limit,
        offset=offset,
        threshold=threshold,
        changed_since=changed_since,
        as_of=as_of or "",
    )
    return JsonResponse(services(request).search(params, caller(request, key)))


@router.get("/algorithms", tags=["Matching"], response_model=AlgorithmsResponse)
def algorithms(request: Request, key: ScreenerKey) -> Any:
    """The matching profiles usable as `algorithm` (yente's names map to the default)."""
    return JsonResponse(services(request).algorithms())


@router.get("/entities/{entity_id}", tags=["Data access"], response_model=EntityResponse)
def entity(request: Request, key: ScreenerKey, entity_id: str) -> Any:
    """A listed entity in FollowTheMoney shape, with its listings (what a match result shows;
    its history needs the analyst role)."""
    return JsonResponse(services(request).entity(entity_id))


@router.get("/entities/{entity_id}/history", tags=["Data access"], response_model=HistoryResponse)
def entity_history(request: Request, key: AnalystKey, entity_id: str) -> Any:
    """The list versions in which the entity was added, changed or removed (analyst role)."""
    return JsonResponse(services(request).history(entity_id))


@router.post("/screen", tags=["Screening"], response_model=ScreenResponse)
def screen(request: Request, key: ScreenerKey, body: ScreenRequest) -> Any:
    """Screen a batch of rows synchronously (at most `api_max_batch` rows, default 1,000;
    larger batches get 413 `too_large`: submit them as a job). Each row gets what
    `clearance screen` writes for it: its matches and warnings, or an error when it has no
    usable name. Each row counts against the key's rate limit."""
    charge(request, key, len(body.rows))
    params = ScreenParams(
        rows=[row.model_dump(by_alias=True) for row in body.rows],
        profile=body.profile,
        threshold=body.threshold,
        limit=body.limit,
        sources=tuple(body.sources) if body.sources else None,
        deadline=deadline(request),
        as_of=body.as_of or "",
    )
    return JsonResponse(services(request).screen(params, caller(request, key)))


@router.get("/catalog", tags=["Data access"], response_model=CatalogResponse)
def catalog(request: Request, key: ScreenerKey) -> Any:
    """yente's data catalog: each list as a dataset (and `default`, all of them), with its
    version and whether the screening index serves it yet."""
    return JsonResponse(services(request).catalog())


@router.get("/sources", tags=["Data access"], response_model=SourcesResponse)
def sources(request: Request, key: ScreenerKey) -> Any:
    """Active list versions: source, version id, publication date, entity count."""
    return JsonResponse({"sources": services(request).sources()})
