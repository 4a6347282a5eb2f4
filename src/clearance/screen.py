"""Screening: query -> candidates from the index -> scores from the matcher -> hits.

:class:`Screener` is the one service the CLI, the HTTP API and the monitor call. It is opened on
a store (``Screener.open(settings)``): the persisted index of the store's current state is
loaded (or rebuilt when stale), so a new process screens within a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from clearance.index import IndexData, IndexSearcher, SearchParams, ensure_index
from clearance.match.result import MatchResult
from clearance.match.scorer import Matcher
from clearance.model import Entity, Query
from clearance.reference import effect_info
from clearance.settings import Settings
from clearance.store import Store

#: prepared entities kept per screener (bounded: a prepared entity holds compiled names; a
#: batch worker meets about 15,000 distinct candidates in its first 12,000 rows, 18,000 in
#: 60,000, so a smaller cache recompiles many of them)
ENTITY_CACHE_SIZE = 24_000


class Scorer(Protocol):
    """What the screener needs of a matcher."""

    @property
    def threshold(self) -> float: ...

    def score(self, query: Query, entity: Any) -> MatchResult: ...

    def prepare(self, entity: Entity) -> Any:
        """The entity in the form ``score`` is fastest with (compiled once, then cached)."""


class Annotator(Protocol):
    """What screening hands its hits to after matching: the exposure package's findings
    through ownership (``clearance.exposure.Exposure``). ``as_of`` is an ISO day ("" today)."""

    def annotate(self, hits: Sequence[Hit], as_of: str = "") -> list[Hit]: ...


def _dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True, slots=True)
class Hit:
    """One listed entity that matched a query, with the result that explains why."""

    entity: Entity
    result: MatchResult
    threshold: float
    #: what the entity takes through its owners (``basis: ownership`` findings), if anything
    findings: tuple[dict[str, Any], ...] = ()

    @property
    def score(self) -> float:
        return self.result.score

    def effects(self) -> list[dict[str, str]]:
        """The legal effects of the entity's listings, each once, in listing order."""
        out: list[dict[str, str]] = []
        for code in _dedupe(listing.effect for listing in self.entity.listings):
            info = effect_info(code)
            out.append({"code": info.code, "label": info.label})
        return out

    def to_dict(self) -> dict[str, Any]:
        entity, effects = self.entity, self.effects()
        return {
            "entity_id": entity.id,
            "source": entity.source,
            "source_id": entity.source_id,
            "name": entity.caption,
            "matched_name": self.result.matched_name,
            "schema": entity.schema,
            "score": round(self.result.score, 4),
            "match": self.result.score >= self.threshold,
            "lists": _dedupe(listing.list for listing in entity.listings),
            "programs": _dedupe(p for listing in entity.listings for p in listing.programs),
            "effect": effects[0] if effects else None,
            "effects": effects,
            "explanation": [f.to_dict() for f in self.result.features],
            **({"findings": list(self.findings)} if self.findings else {}),
        }


def refresh_index(store: Store, settings: Settings) -> IndexData:
    """Bring the persisted index up to the store's state (after ``load`` or ``update``), so
    the next screening process starts without building it."""
    return ensure_index(store, settings.index_dir)


class Screener:
    """Screens queries against every active list of a store."""

    def __init__(
        self,
        index: IndexData,
        scorer: Scorer,
        params: SearchParams | None = None,
        profile: str | None = None,
        annotator: Annotator | None = None,
    ) -> None:
        self.index = index
        self.scorer = scorer
        #: adds findings through ownership to the hits (set by ``clearance.exposure``)
        self.annotator = annotator
        #: the matching profile's name (so worker processes can open the same matcher)
        self.profile = profile
        self.searcher = IndexSearcher(index, params)
        #: prepared entities by index position (the entities themselves are decoded again
        #: for the few that match: kept, they would triple the cache's memory)
        self._prepared: dict[int, Any] = {}

    @classmethod
    def open(cls, settings: Settings, profile: str | None = None) -> Screener:
        """A screener over the store of ``settings`` with the matcher of ``profile``."""
        with Store.open(settings) as store:
            return cls.from_store(store, settings, profile)

    @classmethod
    def from_store(cls, store: Store, settings: Settings, profile: str | None = None) -> Screener:
        """A screener over an open store (its index loaded, or rebuilt when stale)."""
        data = ensure_index(store, settings.index_dir)
        name = profile or settings.profile
        return cls(data, Matcher(name), profile=name)

    @property
    def state_key(self) -> str:
        return self.index.state_key

    def _prepared_entity(self, idx: int) -> Any:
        """The prepared form of an indexed entity, made on first use and cached."""
        prepared = self._prepared.get(idx)
        if prepared is None:
            if len(self._prepared) >= ENTITY_CACHE_SIZE:
                self._prepared.clear()
            prepared = self._prepared[idx] = self.scorer.prepare(self.index.entity(idx))
        return prepared

    def search(
        self,
        query: Query,
        limit: int = 10,
        threshold: float | None = None,
        sources: Collection[str] | None = None,
        as_of: str = "",
    ) -> list[Hit]:
        """Listed entities scoring at or above ``threshold`` (the profile's by default), with
        what each takes through its owners on ``as_of`` (ISO day, default today)."""
        cut = self.scorer.threshold if threshold is None else threshold
        found = self.searcher.candidates(
            [query.name, *query.aliases],
            identifiers=query.identifiers,
            sources=sources,
            schema=query.schema,
        )
        hits: list[Hit] = []
        # a matcher that can tell early that a candidate stays under the cut skips its
        # alignment (most candidates of a counterparty do); a plain ``score`` works too
        above = getattr(self.scorer, "score_above", None)
        for candidate in found:
            prepared = self._prepared_entity(candidate.index)
            result = above(query, prepared, cut) if above else self.scorer.score(query, prepared)
            if result is not None and result.score >= cut:
                hits.append(Hit(self.index.entity(candidate.index), result, cut))
        hits.sort(key=lambda hit: (-hit.result.score, hit.entity.id))
        if self.annotator is not None:  # before paging: it may drop hits
            hits = self.annotator.annotate(hits, as_of)
        return hits[:limit]

    def screen(
        self, queries: Iterable[Query], threshold: float | None = None, limit: int = 10
    ) -> Iterator[list[Hit]]:
        """The hits of each query, in order, one list per query."""
        for query in queries:
            yield self.search(query, limit=limit, threshold=threshold)
