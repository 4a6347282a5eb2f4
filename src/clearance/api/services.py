"""What the HTTP handlers call: one method per operation, over the store and the screener.

Handlers decode a request, call one method here and encode its result. This layer knows the
wire format only through :mod:`clearance.api.convert`; it records every screening in the
audit trail.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from clearance.api import convert
from clearance.errors import DeadlineError, InputError, NotFoundError, TooLargeError
from clearance.match.profiles import profiles
from clearance.model import Entity, Query
from clearance.settings import Settings
from clearance.sources import get_source
from clearance.store.audit import AuditEntry, AuditLog
from clearance.store.keys import ApiKey

#: yente algorithm names: all map to the configured default profile
YENTE_ALGORITHMS = frozenset(
    {"best", "logic-v2", "logic-v1", "name-based", "name-qualified", "regression-v1"}
)
#: schema filter of /search: a schema and the schemata it includes
SCHEMA_FAMILY = {
    "Thing": None,
    "LegalEntity": {"LegalEntity", "Person", "Company", "Organization"},
    "Organization": {"Organization", "Company"},
}
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry")


log = logging.getLogger("clearance.api")
#: seconds between checks of the store's state (for screeners built over older versions)
STATE_CHECK_SECONDS = 5.0


class ScreenerLike(Protocol):
    def search(
        self,
        query: Query,
        limit: int = 10,
        threshold: float | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[Any]: ...


class StoreLike(Protocol):
    def active_versions(self) -> Mapping[str, Any]: ...

    def state_key(self) -> str: ...

    def get_entity(self, entity_id: str) -> Entity: ...

    def entity_history(self, entity_id: str) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking, for the audit trail."""

    key: ApiKey
    request_id: str
    endpoint: str


@dataclass(frozen=True, slots=True)
class MatchParams:
    limit: int = 5
    threshold: float | None = None
    algorithm: str = "best"
    changed_since: str | None = None
    exclude_entity_ids: tuple[str, ...] = ()
    include_dataset: tuple[str, ...] = ()
    exclude_dataset: tuple[str, ...] = ()
    exclude_schema: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchParams:
    q: str
    schema: str = "Thing"
    countries: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    limit: int = 10
    threshold: float | None = None


@dataclass(frozen=True, slots=True)
class ScreenParams:
    rows: Sequence[Mapping[str, Any]]
    profile: str | None = None
    threshold: float | None = None
    limit: int = 5
    sources: tuple[str, ...] | None = None
    #: monotonic time after which the call gives up (None: no deadline)
    deadline: float | None = None


@dataclass
class ApiServices:
    settings: Settings
    store: StoreLike
    screener: ScreenerLike
    audit: AuditLog
    screener_factory: Callable[[str], ScreenerLike] | None = None
    _screeners: dict[str, ScreenerLike] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _versions: tuple[float, dict[str, Any]] = (0.0, {})
    _checked: float = 0.0
    _screened: dict[str, str] | None = None
    _reloading: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._screened = self._snapshot()

    # -- shared helpers ----------------------------------------------------------------

    def profile_for(self, algorithm: str | None) -> str:
        name = (algorithm or "best").strip().lower()
        if name in YENTE_ALGORITHMS:
            return self.settings.profile
        if name in profiles():
            return name
        raise InputError(
            f"Invalid algorithm: {algorithm!r}; use a profile ({', '.join(profiles())}) or "
            "one of yente's names (best, logic-v2...), which map to the default profile."
        )

    def screener_for(self, profile: str) -> ScreenerLike:
        self._check_state()
        if profile == self.settings.profile or self.screener_factory is None:
            return self.screener
        with self._lock:
            if profile not in self._screeners:
                self._screeners[profile] = self.screener_factory(profile)
            return self._screeners[profile]

    def _check_state(self) -> None:
        """Every few seconds: if the store's active versions changed (``clearance update``,
        ``POST /sources/{id}/update``), build screeners over the new state in the background
        and swap them in; requests meanwhile use the previous ones."""
        now = time.monotonic()
        if self.screener_factory is None or now - self._checked < STATE_CHECK_SECONDS:
            return
        self._checked = now
        current = getattr(self.screener, "state_key", None)
        with self._lock:
            wanted = self.store.state_key()
        if current is None or current == wanted or self._reloading.locked():
            return
        threading.Thread(target=self._reload, name="screener-reload", daemon=True).start()

    def _reload(self) -> None:
        factory = self.screener_factory
        if factory is None or not self._reloading.acquire(blocking=False):
            return
        try:
            with self._lock:
                before = self.store.state_key()
            versions = self._snapshot()
            fresh = factory(self.settings.profile)
            if getattr(fresh, "state_key", before) != before:  # changed again meanwhile
                versions = self._snapshot()
            with self._lock:
                self.screener = fresh
                self._screened = versions
                self._screeners = {}
                self._versions = (0.0, {})
            log.info("screener reloaded", extra={"state": getattr(fresh, "state_key", "")})
        except Exception:
            log.exception("screener reload failed; the previous lists stay in use")
        finally:
            self._reloading.release()

    def refresh(self) -> None:
        """Pick up a store change now (after an update made by this process)."""
        self._versions = (0.0, {})
        self._reload()

    def active_versions(self) -> dict[str, Any]:
        """Active list versions by source (cached for a second: it is read per request)."""
        at, cached = self._versions
        now = time.monotonic()
        if now - at > 1.0:
            with self._lock:
                cached = dict(self.store.active_versions())
            self._versions = (now, cached)
        return cached

    def _snapshot(self) -> dict[str, str]:
        with self._lock:
            active = self.store.active_versions()
        return {source: str(getattr(v, "id", v)) for source, v in active.items()}

    def version_ids(self) -> dict[str, str]:
        """Version ids of the lists being screened: those the screener was built from (the
        store may already hold newer ones while the next screener is being built)."""
        if self._screened is None:
            self._screened = self._snapshot()
        return self._screened

    def last_seen(self, source: str) -> str | None:
        version = self.active_versions().get(source)
        value = getattr(version, "published", None) or getattr(version, "imported_at", None)
        return str(value) if value else None

    def scope(
        self, dataset: str, include: Iterable[str] = (), exclude: Iterable[str] = ()
    ) -> list[str] | None:
        """Source ids to search for a dataset name (``default`` = all active sources)."""
        active = sorted(self.active_versions())
        if dataset == "default":
            chosen = active
        elif dataset in active:
            chosen = [dataset]
        else:
            raise NotFoundError(
                f"No such dataset: {dataset!r}. Use 'default' or one of GET /sources."
            )
        include = [s for s in include if s]
        if include:
            chosen = [s for s in chosen if s in include]
        chosen = [s for s in chosen if s not in set(exclude)]
        return None if chosen == active else chosen

    def _audit(
        self,
        caller: Caller,
        queries: Sequence[Mapping[str, Any]],
        results: Sequence[Sequence[dict[str, Any]]],
        profile: str,
        algorithm: str,
    ) -> None:
        versions = self.version_ids()
        label = f"{profile}/{algorithm}" if algorithm else profile
        self.audit.record(
            [
                AuditEntry(
                    key_id=caller.key.id,
                    key_name=caller.key.name,
                    endpoint=caller.endpoint,
                    request_id=caller.request_id,
                    query=query,
                    versions=versions,
                    algorithm=label,
                    results=list(found),
                )
                for query, found in zip(queries, results, strict=True)
            ]
        )

    @staticmethod
    def _algorithm(hits: Sequence[Any], screener: ScreenerLike) -> str:
        for hit in hits:
            if hit.result.algorithm:
                return str(hit.result.algorithm)
        return str(getattr(screener, "algorithm", "") or "")

    # -- operations --------------------------------------------------------------------

    def match(
        self, dataset: str, queries: Mapping[str, Any], params: MatchParams, caller: Caller
    ) -> dict[str, Any]:
        """yente's /match: a batch of example entities, scored candidates for each."""
        sources = self.scope(dataset, params.include_dataset, params.exclude_dataset)
        if not queries:
            raise InputError("No queries provided.")
        if len(queries) > self.settings.api_max_batch:
            raise TooLargeError(
                f"Too many queries in one batch (limit: {self.settings.api_max_batch})."
            )
        profile = self.profile_for(params.algorithm)
        screener = self.screener_for(profile)
        parsed = {
            key: convert.example_to_query(ex.schema_, ex.properties, reference=key)
            for key, ex in queries.items()
        }
        responses: dict[str, Any] = {}
        audit_queries, audit_results, algorithm = [], [], ""
        for key, query in parsed.items():
            hits = self._match_one(screener, query, params, sources)
            algorithm = algorithm or self._algorithm(hits, screener)
            results = [
                convert.scored_response(h, params.threshold, self.last_seen(h.entity.source))
                for h in hits
            ]
            example = queries[key]
            responses[key] = {
                "status": 200,
                "results": results,
                "total": {"value": sum(1 for r in results if r["match"]), "relation": "eq"},
                "query": convert.echo_example(example.id, example.schema_, example.properties),
            }
            audit_queries.append({"key": key, **responses[key]["query"]})
            audit_results.append([convert.hit_summary(h, params.threshold) for h in hits])
        self._audit(caller, audit_queries, audit_results, profile, algorithm)
        matcher = convert.matcher_doc(profile, algorithm)
        return {"responses": responses, "matcher": matcher, "limit": params.limit}

    def _match_one(
        self, screener: ScreenerLike, query: Query, params: MatchParams, sources: list[str] | None
    ) -> list[Any]:
        excluded = set(params.exclude_entity_ids)
        fetch = params.limit + len(excluded)
        if params.exclude_schema or params.changed_since:  # filters after scoring: fetch more
            fetch = max(fetch, params.limit * 4)
        hits = screener.search(query, limit=fetch, threshold=params.threshold, sources=sources)
        hits = [
            h
            for h in hits
            if h.entity.id not in excluded and h.entity.schema not in params.exclude_schema
        ]
        if params.changed_since:
            hits = [h for h in hits if self._changed_since(h.entity.id, params.changed_since)]
        return hits[: params.limit]

    def _changed_since(self, entity_id: str, since: str) -> bool:
        with self._lock:
            events = self.store.entity_history(entity_id)
        for event in events:
            data = convert.plain(event)
            when = str(data.get("published") or data.get("imported_at") or data.get("at") or "")
            if when and when >= since and data.get("change", data.get("kind")) != "unchanged":
                return True
        return False

    def search(self, params: SearchParams, caller: Caller) -> dict[str, Any]:
        if not params.q.strip():
            raise InputError("Give a name to search for with ?q=.")
        query = Query(
            name=params.q,
            schema="LegalEntity"
            if params.schema in SCHEMA_FAMILY
            else convert.query_schema(params.schema),
        )
        sources = list(params.datasets) if params.datasets else None
        if sources:
            active = self.active_versions()
            unknown = [s for s in sources if s not in active]
            if unknown:
                raise NotFoundError(f"No such dataset: {', '.join(unknown)}.")
        screener = self.screener
        hits = screener.search(
            query, limit=params.limit * 3, threshold=params.threshold, sources=sources
        )
        hits = [h for h in hits if self._fits(h.entity, params)][: params.limit]
        results = [
            convert.scored_response(h, params.threshold, self.last_seen(h.entity.source))
            for h in hits
        ]
        self._audit(
            caller,
            [
                {
                    "q": params.q,
                    "schema": params.schema,
                    "countries": list(params.countries),
                    "datasets": list(params.datasets),
                }
            ],
            [[convert.hit_summary(h, params.threshold) for h in hits]],
            self.settings.profile,
            self._algorithm(hits, screener),
        )
        return {
            "limit": params.limit,
            "offset": 0,
            "total": {"value": len(results), "relation": "eq"},
            "results": results,
            "facets": {},
        }

    @staticmethod
    def _fits(entity: Entity, params: SearchParams) -> bool:
        family = SCHEMA_FAMILY.get(params.schema, {params.schema})
        if family is not None and entity.schema not in family:
            return False
        if params.countries:
            have = {c.lower() for p in COUNTRY_PROPS for c in entity.get(p)}
            if not have & {c.lower() for c in params.countries}:
                return False
        return True

    def entity(self, entity_id: str) -> dict[str, Any]:
        """An entity with first_seen / last_change taken from its history."""
        return self.history(entity_id)["entity"]  # type: ignore[no-any-return]

    def history(self, entity_id: str) -> dict[str, Any]:
        with self._lock:
            entity = self.store.get_entity(entity_id)
            events = [convert.plain(e) for e in self.store.entity_history(entity_id)]
        data = convert.entity_response(entity, self.last_seen(entity.source))
        dates = [str(e.get("published") or e.get("imported_at") or "") for e in events]
        dates = [d for d in dates if d]
        if dates:
            data["first_seen"], data["last_change"] = min(dates), max(dates)
        return {"entity": data, "history": events}

    def screen(self, params: ScreenParams, caller: Caller) -> dict[str, Any]:
        """Screen rows synchronously (bounded by ``api_max_batch`` and the deadline)."""
        limit = self.settings.api_max_batch
        if len(params.rows) > limit:
            raise TooLargeError(
                f"{len(params.rows)} rows is more than {limit} for one call; "
                "submit a job with POST /jobs."
            )
        for row in params.rows:  # reject the call before screening anything
            convert.row_to_query(row)
        profile = self.profile_for(params.profile)
        return {
            "results": self.screen_rows(params, caller),
            "profile": profile,
            "versions": self.version_ids(),
        }

    def screen_rows(self, params: ScreenParams, caller: Caller) -> list[dict[str, Any]]:
        """Screen rows one by one; a row that cannot be read gets an ``error`` entry."""
        profile = self.profile_for(params.profile)
        screener = self.screener_for(profile)
        results: list[dict[str, Any]] = []
        audit_rows: list[Mapping[str, Any]] = []
        audit_results: list[list[dict[str, Any]]] = []
        algorithm = ""
        for row in params.rows:
            if params.deadline is not None and time.monotonic() > params.deadline:
                raise DeadlineError(
                    "Screening took longer than the request time limit; "
                    "submit a job with POST /jobs instead."
                )
            try:
                query = convert.row_to_query(row)
            except InputError as exc:
                results.append({"error": {"code": exc.code, "message": exc.message}})
                continue
            hits = screener.search(
                query, limit=params.limit, threshold=params.threshold, sources=params.sources
            )
            algorithm = algorithm or self._algorithm(hits, screener)
            results.append(
                {
                    "reference": query.reference,
                    "name": query.name,
                    "hits": [h.to_dict() for h in hits],
                }
            )
            audit_rows.append(dict(row))
            audit_results.append([convert.hit_summary(h, params.threshold) for h in hits])
        self._audit(caller, audit_rows, audit_results, profile, algorithm)
        return results

    def algorithms(self) -> dict[str, Any]:
        docs = [convert.matcher_doc(name, "") for name in profiles()]
        default = self.settings.profile
        return {"algorithms": docs, "default": default, "best": default}

    def sources(self) -> list[dict[str, Any]]:
        out = []
        for source, version in sorted(self.active_versions().items()):
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

    def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            with self._lock:
                count = len(self.store.active_versions())
            checks["store"] = f"ok ({count} active sources)"
        except Exception as exc:  # any failure means "not ready", reported
            checks["store"] = f"failed: {type(exc).__name__}"
        checks["index"] = "ok" if self.screener is not None else "failed: no screener"
        return checks


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _title(source: str) -> str:
    try:
        return str(getattr(get_source(source), "title", ""))
    except Exception:  # an unregistered or broken source just has no title
        return ""
