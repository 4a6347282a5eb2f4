"""What the HTTP handlers call: one method per operation, over the screening state and store.

Handlers decode a request, call one method here and encode its result. Requests become queries
in :mod:`clearance.queries` and rows are screened by the one batch engine
(:mod:`clearance.screen_batch`), as on the command line; filters are applied by the screener
before ranking. Every screening is written to the audit trail.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from clearance.api import convert
from clearance.api.state import ScreenerState
from clearance.errors import ClearanceError, DeadlineError, InputError, TooLargeError
from clearance.index.facets import Filters, schema_family
from clearance.match.profiles import profiles
from clearance.model import SCHEMATA
from clearance.queries import Built, from_example, from_values
from clearance.screen import Screener, today
from clearance.screen_batch import BatchOptions, RowResult, run_batch
from clearance.settings import Settings
from clearance.sources import get_source
from clearance.store.audit import AuditEntry, AuditLog
from clearance.store.keys import ApiKey

#: candidates scored for one /search page at most (offset + limit)
MAX_SEARCH_WINDOW = 500
#: rows screened between deadline checks in a synchronous /screen
SCREEN_CHUNK = 32


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking, for the audit trail."""

    key: ApiKey
    request_id: str
    endpoint: str
    #: the request id the client sent (kept beside the server's own)
    client_request_id: str = ""


@dataclass(frozen=True, slots=True)
class MatchParams:
    limit: int = 5
    threshold: float | None = None
    #: lower bound of the scores returned (yente's deprecated ``cutoff``; at most the threshold)
    cutoff: float | None = None
    algorithm: str = "best"
    changed_since: str | None = None
    exclude_entity_ids: tuple[str, ...] = ()
    include_dataset: tuple[str, ...] = ()
    exclude_dataset: tuple[str, ...] = ()
    exclude_schema: tuple[str, ...] = ()
    #: monotonic time after which the call gives up (None: no deadline)
    deadline: float | None = None
    #: the day listings and ownership rules are read for (ISO; "" today)
    as_of: str = ""


@dataclass(frozen=True, slots=True)
class SearchParams:
    q: str
    schema: str = "Thing"
    countries: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    limit: int = 10
    offset: int = 0
    threshold: float | None = None
    changed_since: str | None = None
    as_of: str = ""


@dataclass(frozen=True, slots=True)
class ScreenParams:
    rows: Sequence[Mapping[str, Any]]
    profile: str | None = None
    threshold: float | None = None
    limit: int = 5
    sources: tuple[str, ...] | None = None
    #: monotonic time after which the call gives up (None: no deadline)
    deadline: float | None = None
    as_of: str = ""


@dataclass
class ApiServices:
    settings: Settings
    state: ScreenerState
    audit: AuditLog

    # -- shared helpers ----------------------------------------------------------------

    def profile_for(self, algorithm: str | None) -> str:
        return self.state.profile_for(algorithm)

    def refresh(self) -> None:
        self.state.refresh()

    def _audit(
        self,
        caller: Caller,
        queries: Sequence[Mapping[str, Any]],
        results: Sequence[Sequence[Mapping[str, Any]]],
        profile: str,
        algorithm: str,
    ) -> None:
        versions = self.state.version_ids()
        label = f"{profile}/{algorithm}" if algorithm else profile
        request_id = caller.request_id
        if caller.client_request_id:
            request_id = f"{caller.request_id} (client {caller.client_request_id})"
        self.audit.record(
            [
                AuditEntry(
                    key_id=caller.key.id,
                    key_name=caller.key.name,
                    endpoint=caller.endpoint,
                    request_id=request_id,
                    query=query,
                    versions=versions,
                    algorithm=label,
                    results=list(found),
                )
                for query, found in zip(queries, results, strict=True)
            ]
        )

    @staticmethod
    def _algorithm(screener: Screener) -> str:
        return str(getattr(screener.scorer, "algorithm", "") or "")

    # -- matching ----------------------------------------------------------------------

    def match(
        self, dataset: str, queries: Mapping[str, Any], params: MatchParams, caller: Caller
    ) -> dict[str, Any]:
        """yente's /match: a batch of example entities, scored candidates for each. The
        results are the best ``limit`` scoring at or above the cutoff (the threshold unless
        a lower ``cutoff`` is given); ``total`` counts every candidate at or above the
        threshold, as yente does."""
        if not queries:
            raise InputError("No queries provided.")
        if len(queries) > self.settings.api_max_batch:
            raise TooLargeError(
                f"Too many queries in one batch (limit: {self.settings.api_max_batch})."
            )
        sources = self.state.scope(dataset, params.include_dataset, params.exclude_dataset)
        profile = self.profile_for(params.algorithm)
        screener = self.state.screener_for(profile)
        threshold = screener.scorer.threshold if params.threshold is None else params.threshold
        cutoff = threshold if params.cutoff is None else min(params.cutoff, threshold)
        filters = Filters(
            sources=sources,
            schemata=_without(params.exclude_schema),
            exclude_ids=frozenset(params.exclude_entity_ids),
            changed_since=params.changed_since or "",
            as_of=params.as_of or today(),
        )
        built: dict[str, Built] = {}
        for key, example in queries.items():
            try:
                built[key] = from_example(example.schema_, example.properties, reference=key)
            except InputError as exc:
                raise InputError(f"Cannot parse example entity {key!r}: {exc}") from None
        responses: dict[str, Any] = {}
        audit_queries, audit_results = [], []
        for key, made in built.items():
            _check_deadline(params.deadline)
            hits = screener.search(made.query, limit=None, threshold=cutoff, filters=filters)
            shown = hits[: params.limit]
            example = queries[key]
            responses[key] = {
                "status": 200,
                "results": [
                    convert.scored_response(h, threshold, self.state.last_seen(h.entity.source))
                    for h in shown
                ],
                "total": {"value": sum(h.score >= threshold for h in hits), "relation": "eq"},
                "query": convert.echo_example(example.id, example.schema_, example.properties),
                "warnings": list(made.warnings),
            }
            audit_queries.append({"key": key, **responses[key]["query"]})
            audit_results.append([convert.hit_summary(h, threshold) for h in shown])
        algorithm = self._algorithm(screener)
        self._audit(caller, audit_queries, audit_results, profile, algorithm)
        matcher = convert.matcher_doc(profile, algorithm)
        return {"responses": responses, "matcher": matcher, "limit": params.limit}

    def search(self, params: SearchParams, caller: Caller) -> dict[str, Any]:
        """Listed entities for a name, best first, a page at a time: every candidate scoring
        above zero (or ``threshold``) among those the filters admit."""
        if not params.q.strip():
            raise InputError("Give a name to search for with ?q=.")
        window = params.offset + params.limit
        if window > MAX_SEARCH_WINDOW:
            raise InputError(f"offset + limit may be at most {MAX_SEARCH_WINDOW}.")
        for schema in [params.schema]:
            if schema not in ("Thing", *SCHEMATA):
                raise InputError(f"Unknown schema {schema!r}: use Thing or one of {SCHEMATA}.")
        sources = self.state.scope("default", params.datasets) if params.datasets else None
        built = from_values(params.q, "" if params.schema == "Thing" else params.schema,
                            params.countries)  # fmt: skip
        countries = built.query.country
        if len(countries) < len([c for c in params.countries if c.strip()]):
            raise InputError(f"Unknown country in {', '.join(params.countries)}.")
        query = replace(built.query, country=())  # a filter here, not a qualifier
        filters = Filters(
            sources=sources,
            schemata=schema_family(params.schema),
            countries=frozenset(countries),
            changed_since=params.changed_since or "",
            as_of=params.as_of or today(),
        )
        screener = self.state.screener_for()
        hits = screener.search(
            query,
            limit=None,
            threshold=params.threshold if params.threshold is not None else 0.0,
            filters=filters,
            candidates=max(window * 2, 30),
        )
        page = hits[params.offset : window]
        results = [
            convert.scored_response(h, params.threshold, self.state.last_seen(h.entity.source))
            for h in page
        ]
        self._audit(
            caller,
            [
                {
                    "q": params.q,
                    "schema": params.schema,
                    "countries": list(params.countries),
                    "datasets": list(params.datasets),
                    "offset": params.offset,
                }
            ],
            [[convert.hit_summary(h, params.threshold) for h in page]],
            self.settings.profile,
            self._algorithm(screener),
        )
        relation = "gte" if len(hits) >= max(window * 2, 30) else "eq"
        return {
            "limit": params.limit,
            "offset": params.offset,
            "total": {"value": len(hits), "relation": relation},
            "results": results,
            "facets": {},
        }

    # -- batches -----------------------------------------------------------------------

    def screen(self, params: ScreenParams, caller: Caller) -> dict[str, Any]:
        """Screen rows synchronously (at most ``api_max_batch``, within the deadline)."""
        limit = self.settings.api_max_batch
        if len(params.rows) > limit:
            raise TooLargeError(
                f"{len(params.rows)} rows is more than {limit} for one call; "
                "submit a job with POST /jobs."
            )
        profile = self.profile_for(params.profile)

        def stop() -> None:
            _check_deadline(params.deadline)

        options = self.batch_options(params.threshold, params.limit, params.sources, params.as_of)
        options = replace(options, chunk_size=SCREEN_CHUNK)
        results = self.batch(params.rows, options, profile, caller, stop=stop)
        return {
            "results": [r.to_dict() for r in results],
            "profile": profile,
            "versions": self.state.version_ids(),
        }

    def batch_options(
        self,
        threshold: float | None,
        limit: int,
        sources: Iterable[str] | None = None,
        as_of: str = "",
    ) -> BatchOptions:
        scope = self.state.scope("default", tuple(sources)) if sources else None
        day = as_of or today()
        return BatchOptions(
            threshold=threshold,
            limit=limit,
            filters=Filters(sources=scope, as_of=day),
            workers=1,
            as_of=day,
        )

    def batch(
        self,
        rows: Iterable[Mapping[str, Any]],
        options: BatchOptions,
        profile: str | None,
        caller: Caller,
        stop: Callable[[], None] | None = None,
    ) -> Iterator[RowResult]:
        """Screen rows with the batch engine, writing each chunk to the audit trail."""
        screener = self.state.screener_for(profile)
        kept: list[Mapping[str, Any]] = []

        def keep(source: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
            for row in source:
                kept.append(row)
                yield row

        done: list[RowResult] = []
        for result in run_batch(screener, keep(rows), options, self.settings, stop=stop):
            done.append(result)
            if len(done) >= options.chunk_size:
                self._audit_rows(caller, kept, done, profile, screener)
                kept, done = kept[len(done) :], []
            yield result
        if done:
            self._audit_rows(caller, kept, done, profile, screener)

    def _audit_rows(
        self,
        caller: Caller,
        rows: list[Mapping[str, Any]],
        results: list[RowResult],
        profile: str | None,
        screener: Screener,
    ) -> None:
        self._audit(
            caller,
            [_plain_row(row) for row in rows[: len(results)]],
            [_row_summary(r) for r in results],
            profile or self.settings.profile,
            self._algorithm(screener),
        )

    # -- data access -------------------------------------------------------------------

    def entity(self, entity_id: str) -> dict[str, Any]:
        """An entity with first_seen / last_change taken from its history."""
        return self.history(entity_id)["entity"]  # type: ignore[no-any-return]

    def history(self, entity_id: str) -> dict[str, Any]:
        state = self.state
        with state.lock:
            entity = state.store.get_entity(entity_id)
            events = [convert.plain(e) for e in state.store.entity_history(entity_id)]
        dates = [str(e.get("published") or e.get("imported_at") or "") for e in events]
        dates = [d for d in dates if d]
        span = (min(dates), max(dates)) if dates else (None, None)
        data = convert.entity_response(entity, state.last_seen(entity.source), span, today())
        return {"entity": data, "history": events}

    def algorithms(self) -> dict[str, Any]:
        docs = [convert.matcher_doc(name, "") for name in profiles()]
        default = self.settings.profile
        return {"algorithms": docs, "default": default, "best": default}

    def sources(self) -> list[dict[str, Any]]:
        out = []
        for source, version in sorted(self.state.active_versions().items()):
            data = convert.plain(version)
            out.append(
                {
                    "source": source,
                    "title": _title(source),
                    "version": str(data.get("id", "")),
                    "content_hash": str(data.get("content_hash") or ""),
                    "published": _str_or_none(data.get("published")),
                    "imported_at": _str_or_none(data.get("imported_at")),
                    "entities": int(data.get("entities") or 0),
                    "format": str(data.get("format") or ""),
                    "origin": str(data.get("origin") or ""),
                }
            )
        return out

    def catalog(self) -> dict[str, Any]:
        """yente's data catalog: every list as a dataset, and ``default`` holding them all.
        A list is ``current`` when the screener serves its active version, else
        ``outdated`` (a newer version is being indexed)."""
        screened = self.state.version_ids()
        datasets: list[dict[str, Any]] = []
        current: list[str] = []
        outdated: list[str] = []
        active = self.state.active_versions()
        for source in self.sources():
            name = source["source"]
            fresh = screened.get(name) == source["version"]
            (current if fresh else outdated).append(name)
            datasets.append(
                {
                    "name": name,
                    "title": source["title"] or name,
                    "version": source["version"],
                    "updated_at": source["published"] or source["imported_at"],
                    "entity_count": source["entities"],
                    "load": True,
                    "index_version": screened.get(name),
                    "children": [],
                }
            )
        datasets.insert(
            0,
            {
                "name": "default",
                "title": "Every list loaded",
                "version": self.state.screener_for().state_key,
                "entity_count": sum(d["entity_count"] for d in datasets),
                "load": True,
                "index_version": self.state.screener.state_key,
                "children": sorted(active),
            },
        )
        if outdated:
            outdated.insert(0, "default")
        else:
            current.insert(0, "default")
        return {
            "datasets": datasets,
            "current": current,
            "outdated": outdated,
            "index_stale": bool(outdated),
        }

    def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            with self.state.lock:
                count = len(self.state.store.active_versions())
            checks["store"] = f"ok ({count} active sources)"
        except Exception as exc:  # any failure means "not ready", reported
            checks["store"] = f"failed: {type(exc).__name__}"
        checks["index"] = "ok" if self.state.screener is not None else "failed: no screener"
        return checks


def _check_deadline(deadline: float | None) -> None:
    """Stop a call past its time limit: its client has had a timeout answer already, and the
    work must not go on without it."""
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineError(
            "Screening took longer than the request time limit; send smaller batches or "
            "submit a job with POST /jobs instead."
        )


def _without(excluded: Sequence[str]) -> frozenset[str] | None:
    """The schemata left when ``excluded`` (and the schemata each includes) are left out."""
    if not excluded:
        return None
    left = set(SCHEMATA)
    for schema in excluded:
        family = schema_family(schema)
        left -= set(SCHEMATA) if family is None else family
    return frozenset(left)


def _row_summary(result: RowResult) -> list[dict[str, Any]]:
    """What the audit trail keeps of a screened row: its matches, or its error."""
    if result.error:
        return [{"error": result.error}]
    return [
        {"id": m["entity_id"], "score": m["score"], "match": m["match"]} for m in result.matches
    ]


def _plain_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in row.items()}


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _title(source: str) -> str:
    try:
        return str(getattr(get_source(source), "title", ""))
    except (ClearanceError, KeyError):  # an unregistered source just has no title
        return ""
