"""Screening: query -> candidates from the index -> scores from the matcher -> hits.

:class:`Screener` is the one service the CLI, the HTTP API and the monitor call. It is opened on
a store (``Screener.open(settings)``): the persisted index of the store's current state is
loaded (or rebuilt when stale), so a new process screens within a fraction of a second.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from clearance.catalog import open_store
from clearance.index import IndexData, IndexSearcher, SearchParams, ensure_index
from clearance.index.facets import Filters
from clearance.index.search import Candidate, RetrievalTrace
from clearance.match.result import MatchResult
from clearance.match.scorer import Matcher
from clearance.model import Entity, Listing, Query
from clearance.reference import effect_info, lists
from clearance.settings import Settings
from clearance.store import Store

#: prepared entities kept per screener (bounded: a prepared entity holds compiled names, about
#: 1.4 kB; a batch worker meets about 15,000 distinct candidates in its first 12,000 rows,
#: 18,000 in 40,000 and 60,000, so a much smaller cache recompiles many of them)
ENTITY_CACHE_SIZE = 16_000
#: entity masks of distinct filters kept per screener
MASKS_KEPT = 64


class Scorer(Protocol):
    """What the screener needs of a matcher."""

    @property
    def threshold(self) -> float: ...

    @property
    def algorithm(self) -> str:
        """The name of the name reading that scores (recorded with each screening)."""

    def score(self, query: Query, entity: Any) -> MatchResult: ...

    def prepare(self, entity: Entity) -> Any:
        """The entity in the form ``score`` is fastest with (compiled once, then cached)."""


class Annotator(Protocol):
    """What screening hands its hits to after matching: the exposure package's findings
    through ownership (``clearance.exposure.Exposure``). ``as_of`` is an ISO day ("" today)."""

    def annotate(self, hits: Sequence[Hit], as_of: str = "") -> list[Hit]: ...


def _dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


@cache
def _list_order() -> dict[str, int]:
    return {code: i for i, code in enumerate(lists())}


def ordered_lists(codes: Iterable[str]) -> list[str]:
    """List codes once each, in the one order of ``data/lists.yaml`` (unknown codes after, by
    name), so a party's lists read the same on every line."""
    order = _list_order()
    return sorted(_dedupe(codes), key=lambda c: (order.get(c, len(order)), c))


def is_current(listing: Listing, as_of: str) -> bool:
    """Whether a listing is in force on ``as_of`` (an ended listing carries no legal effect)."""
    return not listing.end or listing.end >= as_of


@dataclass(frozen=True, slots=True)
class Hit:
    """One listed entity that matched a query, with the result that explains why.

    ``as_of`` is the day the listings are read for: listings that ended before it are former
    listings, shown apart with their dates and giving no list, program or legal effect.
    ``dates`` are the entity's first-seen and last-change dates, where the store knows them.
    """

    entity: Entity
    result: MatchResult
    threshold: float
    as_of: str = ""
    dates: tuple[str | None, str | None] = (None, None)
    #: what the entity takes through its owners (``basis: ownership`` findings), if anything
    findings: tuple[dict[str, Any], ...] = ()

    @property
    def score(self) -> float:
        return self.result.score

    def listings(self) -> list[Listing]:
        """The listings in force on ``as_of``."""
        return [x for x in self.entity.listings if is_current(x, self.as_of)]

    def former_listings(self) -> list[Listing]:
        return [x for x in self.entity.listings if not is_current(x, self.as_of)]

    def effects(self) -> list[dict[str, str]]:
        """The legal effects of the entity's current listings, each once, in listing order."""
        out: list[dict[str, str]] = []
        for code in _dedupe(listing.effect for listing in self.listings()):
            info = effect_info(code)
            out.append({"code": info.code, "label": info.label})
        return out

    def to_dict(self) -> dict[str, Any]:
        entity, effects, current = self.entity, self.effects(), self.listings()
        out = {
            "entity_id": entity.id,
            "source": entity.source,
            "source_id": entity.source_id,
            "name": entity.caption,
            "matched_name": self.result.matched_name,
            "schema": entity.schema,
            "score": round(self.result.score, 4),
            "match": self.result.score >= self.threshold,
            "lists": ordered_lists(listing.list for listing in current),
            "programs": sorted(_dedupe(p for listing in current for p in listing.programs)),
            "effect": effects[0] if effects else None,
            "effects": effects,
            "explanation": [f.to_dict() for f in self.result.features],
            **({"findings": list(self.findings)} if self.findings else {}),
        }
        former = self.former_listings()
        if former:
            out["former_listings"] = [listing.to_dict() for listing in former]
        return out


class SearchTrace:
    """Asked of :meth:`Screener.search` by a caller that keeps the matches and must know when
    they could change without the query or the matched entities changing (the monitor).

    A search whose candidates depend on each entity alone (no relative cutoff, candidate limit
    not reached) finds an entity when one of its rows ranks at or above the coverage cut and
    passes the text check; the text check depends on the two names only, the rank also on the
    index's weights, which move a little with every version of the lists. The search keeps
    its matches as long as no rank rises by a factor beyond ``rise`` (at most ``band``: no
    entity under the cut that scores at or above the threshold ranks within that factor of
    it) and none falls by a factor beyond ``fall`` (the least a match ranks above the cut, by
    that factor; infinite without a match). Both are 1 (nothing certified) when the limit was
    reached or a relative cutoff applies. ``weight`` is the lightest weight of the query's
    forms (what the rank of any row is divided by at least)."""

    def __init__(self, band: float) -> None:
        self.band = band
        self.rise = 1.0
        self.fall = 1.0
        self.capped = False
        self.weight = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"rise": self.rise, "fall": self.fall, "capped": self.capped,
                "weight": self.weight}  # fmt: skip


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
        #: entity masks of recent filters
        self._masks: dict[Filters, npt.NDArray[np.bool_] | None] = {}

    @classmethod
    def open(
        cls, settings: Settings, profile: str | None = None, params: SearchParams | None = None
    ) -> Screener:
        """A screener over the store of ``settings`` with the matcher of ``profile``."""
        with open_store(settings) as store:
            return cls.from_store(store, settings, profile, params)

    @classmethod
    def from_store(
        cls,
        store: Store,
        settings: Settings,
        profile: str | None = None,
        params: SearchParams | None = None,
    ) -> Screener:
        """A screener over an open store (its index loaded, or rebuilt when stale)."""
        data = ensure_index(store, settings.index_dir)
        name = profile or settings.profile
        return cls(data, Matcher(name), params, profile=name)

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

    def score_entity(self, query: Query, index: int, cut: float) -> MatchResult | None:
        """The score of the indexed entity ``index`` for ``query`` when it reaches ``cut``, as a
        search scores its candidates (``None`` below it)."""
        prepared = self._prepared_entity(index)
        above = getattr(self.scorer, "score_above", None)
        result = above(query, prepared, cut) if above else self.scorer.score(query, prepared)
        return result if result is not None and result.score >= cut else None

    def filter_mask(self, filters: Filters) -> npt.NDArray[np.bool_] | None:
        """The entities ``filters`` admit, as a mask (``None``: all), for the index to apply
        before ranking. Recent masks are kept: callers repeat their filters."""
        key = filters if filters.as_of else replace(filters, as_of=today())
        if key in self._masks:
            return self._masks[key]
        facets, data = self.index.facets, self.index
        if facets is None:  # an index without facets (built by hand): sources only
            mask = None
        else:
            sources = None
            if key.sources is not None:
                wanted = np.array([s in key.sources for s in data.sources] or [False])
                sources = wanted[data.entity_source]
            mask = facets.mask(key, sources)
            if key.exclude_ids:
                excluded = [i for i, e in enumerate(data.entity_ids) if e in key.exclude_ids]
                if excluded:
                    mask = np.ones(data.size, dtype=bool) if mask is None else mask.copy()
                    mask[np.array(excluded, dtype=np.int64)] = False
        if len(self._masks) >= MASKS_KEPT:
            self._masks.clear()
        self._masks[key] = mask
        return mask

    def search(
        self,
        query: Query,
        limit: int | None = 10,
        threshold: float | None = None,
        sources: Collection[str] | None = None,
        filters: Filters | None = None,
        candidates: int | None = None,
        as_of: str = "",
        trace: SearchTrace | None = None,
    ) -> list[Hit]:
        """Listed entities scoring at or above ``threshold`` (the profile's by default), best
        first, at most ``limit`` (None: all), among those ``filters`` admit (by default: every
        listed entity of ``sources``, or of every source, with a listing in force on the day),
        with what each takes through its owners. The day is ``as_of``, else the filters',
        else today (ISO dates). ``candidates`` is how many entities retrieval hands the
        matcher (default: the index's setting). ``trace`` is filled with how far the index's
        weights may move before the matches could change (see :class:`SearchTrace`)."""
        if filters is None:
            as_of = as_of or today()
            filters = Filters(sources=frozenset(sources) if sources is not None else None,
                              as_of=as_of)  # fmt: skip
        else:
            as_of = as_of or filters.as_of or today()
            if sources is not None:
                filters = replace(filters, sources=frozenset(sources), as_of=as_of)
            elif filters.as_of != as_of:  # a batch passes its day in its filters' already
                filters = replace(filters, as_of=as_of)
        cut = self.scorer.threshold if threshold is None else threshold
        allowed = self.filter_mask(filters)
        retrieval = RetrievalTrace() if trace is not None else None
        found = self.searcher.candidates(
            [query.name, *query.aliases],
            identifiers=query.identifiers,
            schema=query.schema,
            allowed=allowed,
            sources=filters.sources if allowed is None and self.index.facets is None else None,
            limit=candidates,
            trace=retrieval,
        )
        matched: set[int] = set()
        hits: list[Hit] = []
        # a matcher that can tell early that a candidate stays under the cut skips its
        # alignment (most candidates of a counterparty do); a plain ``score`` works too
        above = getattr(self.scorer, "score_above", None)
        facets = self.index.facets
        for candidate in found:
            prepared = self._prepared_entity(candidate.index)
            result = above(query, prepared, cut) if above else self.scorer.score(query, prepared)
            if result is not None and result.score >= cut:
                matched.add(candidate.index)
                dates = facets.dates(candidate.index) if facets is not None else (None, None)
                entity = self.index.entity(candidate.index)
                hits.append(Hit(entity, result, cut, as_of, dates))
        if trace is not None and retrieval is not None:
            self._certify(query, cut, found, matched, retrieval, trace)
        hits.sort(key=lambda hit: (-hit.result.score, hit.entity.id))
        if self.annotator is not None:  # before paging: it may drop hits
            hits = self.annotator.annotate(hits, as_of)
        return hits if limit is None else hits[:limit]

    def _certify(
        self,
        query: Query,
        cut: float,
        found: list[Candidate],
        matched: set[int],
        retrieval: RetrievalTrace,
        trace: SearchTrace,
    ) -> None:
        """Fill ``trace``: the factors by which every rank may rise, and fall, and the same
        entities still match (see :class:`SearchTrace`). The matches near the coverage cut
        bound them: those above it (already scored) how far ranks may fall, and those whose
        rows rank just under it (scored here) how far they may rise."""
        params = self.searcher.params
        trace.weight = retrieval.weight
        trace.capped = retrieval.capped
        if retrieval.capped or params.relative_cutoff > 0:
            trace.rise = trace.fall = 1.0
            return
        cover, band = params.min_coverage, trace.band
        trace.fall = min(
            (candidate.rank / cover for candidate in found if candidate.index in matched),
            default=math.inf,
        )
        logs = [math.log(band)]
        taken = {candidate.index for candidate in found}
        below = self.searcher.band(retrieval, cover / band, cover, taken)
        above = getattr(self.scorer, "score_above", None)
        for index, rank in below.items():
            prepared = self._prepared_entity(index)
            result = above(query, prepared, cut) if above else self.scorer.score(query, prepared)
            if result is not None and result.score >= cut:
                logs.append(math.log(cover / rank))
        trace.rise = math.exp(min(logs))

    def screen(
        self, queries: Iterable[Query], threshold: float | None = None, limit: int = 10
    ) -> Iterator[list[Hit]]:
        """The hits of each query, in order, one list per query."""
        for query in queries:
            yield self.search(query, limit=limit, threshold=threshold)


def today() -> str:
    return date.today().isoformat()
