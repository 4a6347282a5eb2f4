"""Keeping the book screened as the lists change: the delta re-screen, exact by construction.

When the store's state changes (a list version, an ownership file, a bundled list, or just the
day), :func:`cycle` re-screens the parties whose matches could change, forward, exactly as a
full re-screen would screen them, and no other. A party's matches are the entities (1) at
least one of whose name rows ranks at or above the coverage cut in its search and passes the
text check, and (2) that score at or above the threshold (``screening.py``: no relative cutoff
or candidate limit, so nothing else is involved). The text check and the score depend on the
party and the entity alone; the rank also on the index. So a party's matches can change only
through:

1. an entity that changed (added, removed, changed, a listing ending, its findings through
   ownership): parties with an alert on it are re-screened; for a new or changed one, the book
   index (``reach.py``) gives every party whose search could reach one of its rows with an upper
   bound of the rank: a party whose bound reaches the cut, whose text check passes and whose
   score reaches the threshold is re-screened; one whose bound is within the certified band
   below the cut keeps a budget no larger than that distance;
2. what a party's search looks up: a key that appeared or vanished near a long token of the
   party and made its fuzzy lookup (which keeps the best few) keep or drop another token
   (:func:`drift.keeps_others`: the new or vanished key itself reaches only rows of changed
   entities, which 1. scores), a key equal to one of its tokens (unless the key is held by
   one row and the party neither writes it together from two of its tokens nor looked up
   what remains of it without a glued legal form: it then weighs what an unknown token
   weighs, up to the common drift), a token whose frequency crossed the exact-only line, a
   token of its own whose weight moved more than the common drift: re-screened;
3. the drift of the index's weights: every other rank moves within a factor the step bounds
   (``drift.py``), more for parties reaching keys or rows that moved more (their budget is
   charged the difference); a party is re-screened when the accumulated drift since its
   screening reaches its budget, the distance of its nearest match to the cut
   (:class:`clearance.screen.SearchTrace`). A rank under the cut reaches it only by rising,
   a match's rank drops under it only by falling: a party keeps a budget each way, and each
   is charged only what the step may move ranks its way (a party without a match has
   nothing to lose by a fall).

Every party left alone therefore has the same matches a full re-screen would give it; the
tests check it on the 50 real SDN versions (``tests/monitor/test_exactness.py``).
"""

from __future__ import annotations

import fcntl
import math
import os
import pickle
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from clearance.catalog import open_store
from clearance.exposure import Exposure, screener_from_store
from clearance.exposure.rules import rules as ownership_rules
from clearance.index.build import MIN_IDENTIFIER_LEN, IndexData
from clearance.index.facets import Filters
from clearance.index.keys import identifier_key
from clearance.index.persist import index_path, save_pickle
from clearance.index.search import QueryTexts, query_lookups
from clearance.model import IDENTIFIER_PROPS, Query
from clearance.monitor import changes as entity_changes
from clearance.monitor import drift, reach
from clearance.monitor.alerts import StepChanges
from clearance.monitor.book import screening_row
from clearance.monitor.screening import BAND, MONITOR_PARAMS, Outcome, Round, Runner, Task
from clearance.queries import from_row
from clearance.screen import Screener
from clearance.settings import Settings
from clearance.store import Store
from clearance.store.chain import ChainRecord
from clearance.store.monitor import MonitorStore

#: files the monitor keeps beside the store (``$CLEARANCE_HOME/monitor``)
INDEX_PREFIX = "index-"
BOOK_PREFIX = "book-"
#: parties whose query and text-check form a monitor keeps between cycles (a delta reads the
#: same parties again and again: those near the names that change)
READS_KEPT = 50_000


@dataclass
class Reads:
    """Parties of one book version as a delta reads them: the query (``None``: no longer in
    the book), and for those a row of whose pairs was text-checked, its names as the text
    check reads them (a party read for its own lookups, or for a pair on an identifier, never
    needs them)."""

    version: int
    parties: dict[str, Query | None] = field(default_factory=dict)
    texts: dict[str, QueryTexts] = field(default_factory=dict)


@dataclass
class Monitor:
    """The store and its monitoring tables, opened together."""

    settings: Settings
    store: Store
    book: MonitorStore
    workers: int = 1
    #: where the monitor keeps its files (default ``$CLEARANCE_HOME/monitor``)
    workdir: Path | None = None
    _screener: Screener | None = field(default=None, repr=False)
    #: the index the book was last screened against, and the book index, kept between cycles
    _kept: IndexData | None = field(default=None, repr=False)
    _book: tuple[int, reach.BookIndex] | None = field(default=None, repr=False)
    _reads: Reads | None = field(default=None, repr=False)

    @classmethod
    def open(cls, settings: Settings, workers: int = 1) -> Monitor:
        store = open_store(settings)
        return cls(settings, store, MonitorStore(store.connection), workers)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def directory(self) -> Path:
        path = self.workdir or self.settings.home / "monitor"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One process at a time screens the book (an import, a cycle)."""
        with (self.directory / "lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def screener(self) -> Screener:
        """The book's screener over the store's current state (kept while it stands)."""
        current = self._screener
        if current is None or current.state_key != self.store.state_key():
            current = self._screener = screener_from_store(
                self.store, self.settings, params=MONITOR_PARAMS
            )
        return current


def today() -> str:
    return date.today().isoformat()


# -- the monitored state --------------------------------------------------------------------


@dataclass
class Monitored:
    """What the book was last screened against (``monitor_state``)."""

    step: int = 0
    drift: float = 0.0
    floor: float = 0.0
    day: str = ""
    state_key: str = ""
    versions: dict[str, int] = field(default_factory=dict)
    findings: dict[str, str] = field(default_factory=dict)
    index_file: str = ""
    book_version: int = 0

    @classmethod
    def read(cls, book: MonitorStore) -> Monitored:
        data = book.state()
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def values(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def versions_of(store: Store) -> dict[str, int]:
    return {source: v.id for source, v in store.active_versions().items()}


def findings_digests(exposure: Exposure | None, day: str) -> dict[str, str]:
    """entity id -> digest of what it takes through its owners on ``day``, for every entity
    that takes something."""
    if exposure is None:
        return {}
    graph = exposure.graph
    reached: set[str] = set()
    for rule_id in ownership_rules():
        derivation = exposure.derivation(rule_id, day)
        if derivation.status is None:
            continue
        for group in derivation.groups:
            reached.update(graph.ids[i] for i in np.flatnonzero(group.rounds > 0).tolist())
    members: dict[str, list[str]] = {node: [node] for node in reached}
    for alias, node in graph.aliases.items():
        if node in members:
            members[node].append(alias)
    out: dict[str, str] = {}
    for entity_ids in members.values():
        for entity_id in entity_ids:
            found = exposure.findings(entity_id, day)
            if found:
                out[entity_id] = entity_changes.digest(found)
    return out


def keep_index(monitor: Monitor, index: IndexData) -> str:
    """Keep the index the book is screened against, for the next delta; its file name."""
    directory = monitor.directory
    name = f"{INDEX_PREFIX}{index_path(directory, index.state_key).name.removeprefix('names-')}"
    target = directory / name
    if not target.exists():
        source = index_path(monitor.settings.index_dir, index.state_key)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
        os.close(fd)
        try:
            if source.exists():
                _link_or_copy(source, Path(tmp))
            else:
                with open(tmp, "wb") as fh:
                    pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
    for old in directory.glob(f"{INDEX_PREFIX}*"):
        if old != target:
            old.unlink(missing_ok=True)
    return name


def _link_or_copy(source: Path, target: Path) -> None:
    """A second name for the index file (the index directory drops it when the store's state
    changes; the monitor keeps it), or a copy across file systems."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def load_index(monitor: Monitor, state: Monitored) -> IndexData | None:
    kept = monitor._kept
    if kept is not None and kept.state_key == state.state_key:
        return kept
    if not state.index_file:
        return None
    try:
        with (monitor.directory / state.index_file).open("rb") as fh:
            data = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(data, IndexData) or data.state_key != state.state_key:
        return None
    return data


def book_index(monitor: Monitor, version: int) -> reach.BookIndex:
    """The book index of the book's current version: loaded, else built and kept."""
    if monitor._book is not None and monitor._book[0] == version:
        return monitor._book[1]
    found = _book_index(monitor, version)
    monitor._book = (version, found)
    return found


def party_reads(monitor: Monitor, version: int) -> Reads:
    """The parties read so far of the book's current version."""
    if monitor._reads is None or monitor._reads.version != version:
        monitor._reads = Reads(version)
    return monitor._reads


def _book_index(monitor: Monitor, version: int) -> reach.BookIndex:
    target = monitor.directory / f"{BOOK_PREFIX}{version}.pkl"
    try:
        with target.open("rb") as fh:
            found = pickle.load(fh)
        if isinstance(found, reach.BookIndex) and found.params == MONITOR_PARAMS:
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    parties = (
        (p.reference, from_row(screening_row(p.reference, p.data)).query)
        for p in monitor.book.parties()
        if not p.error
    )
    built = reach.build(parties, MONITOR_PARAMS)
    save_pickle(built, target, f"{BOOK_PREFIX}*.pkl")
    return built


# -- finding the parties a step touches -----------------------------------------------------


@dataclass
class Touched:
    """Parties to re-screen, each with why (the first reason found)."""

    why: dict[str, str] = field(default_factory=dict)
    #: reference -> budget ceiling (band pairs) and extra drift charged, for ranks rising
    #: (``charges``) and, of parties with a match, falling (``falls``)
    ceilings: dict[str, float] = field(default_factory=dict)
    charges: dict[str, float] = field(default_factory=dict)
    falls: dict[str, float] = field(default_factory=dict)
    #: reference -> factor its weight floor falls by (an own part's weight fell further)
    floors: dict[str, float] = field(default_factory=dict)
    pairs: int = 0
    scored: int = 0

    def add(self, references: Iterable[str], reason: str) -> None:
        for reference in references:
            self.why.setdefault(reference, reason)

    def counts(self) -> dict[str, int]:
        return dict(Counter(self.why.values()))


@dataclass
class Delta:
    """One step's delta: the indexes, what changed, the book index and the parties' state."""

    monitor: Monitor
    screener: Screener
    old: IndexData
    new: IndexData
    changed: entity_changes.EntityChanges
    step: drift.Step
    book: reach.BookIndex
    drift: float
    floor: float
    day: str
    #: reference -> (drift budget, weight floor at this step)
    parties: dict[str, tuple[float, float]]
    reads: Reads
    #: reference -> drift budget for its matches' ranks falling, of parties with a match
    fall_budgets: dict[str, float] = field(default_factory=dict)
    touched: Touched = field(default_factory=Touched)

    def find(self) -> Touched:
        touched = self.touched
        touched.add(sorted(self.monitor.book.parties_alerting_on(self.changed.all)), "alert")
        self._lookups()
        self._charges()  # before the pairs: a party its charge re-screens needs no pair checked
        self._pairs()
        return touched

    def _refs(self, positions: Iterable[int]) -> list[str]:
        return [self.book.references[int(p)] for p in positions]

    def _lookups(self) -> None:
        book, step = self.book, self.step
        for key in step.flips:
            self.touched.add(self._refs(book.with_token(key)), "lookup")
        for key in [*step.appeared, *step.vanished]:
            self.touched.add(self._own_lookup_changed(key), "lookup")
        self.touched.add(self._refs(book.parties_of(self._fuzzy_moved())), "lookup")
        # a party's own part whose weight fell further than the band: its lightest form may
        # weigh less than the floor says (the rank bound divides by it), by that much more
        for key, factor in step.shifted.items():
            if factor >= step.low:
                continue
            for reference in self._refs(book.owned_by(key)):
                scale = min(self.touched.floors.get(reference, 1.0), factor / step.low)
                self.touched.floors[reference] = scale
        for reference, scale in self.touched.floors.items():
            budget, floor = self.parties.get(reference, (0.0, 0.0))
            self.parties[reference] = (budget, floor * scale)

    def _own_lookup_changed(self, key: str) -> list[str]:
        """Parties a key that appeared or vanished is a token of, whose search it changes
        beyond what the delta bounds otherwise. A key held by one row weighs what an unknown
        token weighs (as rare as a rare token), up to the drift every weight of that
        frequency moves by: for a party that looks it up as a token of its own, only the rows
        holding it change (rows of changed entities, scored on their own), unless the search
        looked up what remains of it without a glued legal form while it was unknown. A key
        the party writes together from two of its tokens changes what its form weighs."""
        parties = self._refs(self.book.with_token(key))
        if not parties:
            return []
        data = self.new if key in self.new.vocab else self.old
        kid = data.vocab[key]
        if data.offsets[kid + 1] - data.offsets[kid] != 1 or reach.remainders(key, MONITOR_PARAMS):
            return parties
        out: list[str] = []
        for reference in parties:
            query = self._query(reference)
            if query is None:
                continue
            _forms, lookups = query_lookups([query.name, *query.aliases], query.schema)
            if any(token == key and mode == "joined" for _form, token, mode in lookups):
                out.append(reference)
        return out

    def _fuzzy_moved(self) -> list[int]:
        """Long lookup strings of the book whose fuzzy lookup keeps other tokens than before,
        beside the keys that appeared or vanished (:func:`drift.keeps_others`)."""
        book, step = self.book, self.step
        appeared, vanished = set(step.appeared), set(step.vanished)
        shapes: set[tuple[int, int]] = set()
        for key in [*step.appeared, *step.vanished]:
            shapes.update((sid, len(key)) for sid in book.near_long_strings(key))
        return sorted({
            sid for sid, length in shapes
            if drift.keeps_others(self.old, self.new, book.strings[sid], length, MONITOR_PARAMS,
                                  appeared, vanished)
        })  # fmt: skip

    def _pairs(self) -> None:
        """Parties a new or changed entity could become a candidate of (see the docstring).

        The pairs are gathered first and then checked party by party: one read of the party,
        one text check of all its rows. A pair is left unchecked when its outcome cannot
        change what the step does to the party: the party is re-screened for its drift
        whatever the pair gives (its budget, less its charge, is used up), or the pair's
        ceiling is no lower than the budget it would lower."""
        new, screener = self.new, self.screener
        cover = MONITOR_PARAMS.min_coverage
        allowed = screener.filter_mask(Filters(as_of=self.day))
        positions = {e: i for i, e in enumerate(new.entity_ids)}
        rows_of = drift.entity_rows(new)
        #: party position -> (bound, entity index, first row, end row) of each pair to check
        wanted: dict[int, list[tuple[float, int, int, int]]] = {}
        for entity_id in sorted(self.changed.new_or_changed()):
            index = positions.get(entity_id)
            if index is None or (allowed is not None and not allowed[index]):
                continue
            start, end = rows_of[entity_id]
            best: dict[int, float] = {}
            for row in range(start, end):
                parties, gained = self.book.gains(self.book.token_weights(drift.row_keys(new, row)))
                for position, value in zip(parties.tolist(), gained.tolist(), strict=True):
                    floor = self.parties.get(self.book.references[position], (0.0, 0.0))[1]
                    bound = 1.0 if floor <= 0 else min(1.0, value / floor)
                    if bound > best.get(position, 0.0):
                        best[position] = bound
            for key in identifiers_of(new, index):
                for position in self.book.with_identifier(key):
                    best[position] = math.inf
            self.touched.pairs += len(best)
            for position, bound in best.items():
                if bound >= cover / BAND:
                    wanted.setdefault(position, []).append((bound, index, start, end))
        checked = {
            position: pairs
            for position, items in wanted.items()
            if (pairs := self._worth_checking(self.book.references[position], items))
        }
        self._load_queries(self.book.references[p] for p in checked)
        for position, pairs in checked.items():
            self._check_party(self.book.references[position], pairs)

    def _worth_checking(
        self, reference: str, pairs: list[tuple[float, int, int, int]]
    ) -> list[tuple[float, int, int, int]]:
        """The pairs of a party whose outcome can change what the step does to it, strongest
        first (a pair at the cut re-screens the party, and the rest no longer matter)."""
        if reference in self.touched.why:
            return []
        known = self.parties.get(reference)
        if known is None:  # never screened: no budget to compare with
            return sorted(pairs, reverse=True)
        budget = known[0]
        if self._left(reference) <= self.drift:
            return []  # re-screened for its drift, whatever the pairs give
        cover = MONITOR_PARAMS.min_coverage
        kept = [
            pair
            for pair in pairs
            if pair[0] >= cover or self.drift + math.log(cover / pair[0]) < budget
        ]
        return sorted(kept, reverse=True)

    def _check_party(self, reference: str, pairs: list[tuple[float, int, int, int]]) -> None:
        """Text check and score a party's pairs: at the cut, the party is re-screened; in the
        band below it, its budget is capped by the pair's distance to the cut."""
        party = self._query(reference)
        if party is None:
            return
        finite = [(start, end) for bound, _i, start, end in pairs if bound != math.inf]
        passed: dict[tuple[int, int], bool] = {}
        if finite:
            spans = sorted(set(finite))
            rows = np.concatenate([np.arange(a, b, dtype=np.int32) for a, b in spans])
            passes = self.screener.searcher.passes_texts(self._texts(reference, party), rows)
            at = 0
            for a, b in spans:
                passed[a, b] = bool(passes[at : at + b - a].any())
                at += b - a
        cover = MONITOR_PARAMS.min_coverage
        for bound, index, start, end in pairs:
            if bound != math.inf and not passed[start, end]:
                continue
            self.touched.scored += 1
            if self.screener.score_entity(party, index, self.screener.scorer.threshold) is None:
                continue
            if bound >= cover:
                self.touched.add([reference], "pair")
                return
            ceiling = self.drift + math.log(cover / bound)
            self.touched.ceilings[reference] = min(
                self.touched.ceilings.get(reference, math.inf), ceiling
            )

    def _load_queries(self, references: Iterable[str]) -> None:
        """Read the parties not read yet, in one pass."""
        kept = self.reads.parties
        wanted = {r for r in references if r not in kept}
        if not wanted:
            return
        if len(kept) + len(wanted) > READS_KEPT:
            kept.clear()
            self.reads.texts.clear()
        for row in self.monitor.book.parties(wanted):
            kept[row.reference] = from_row(screening_row(row.reference, row.data)).query
        for reference in wanted - kept.keys():  # removed meanwhile: nothing to screen
            kept[reference] = None

    def _query(self, reference: str) -> Query | None:
        self._load_queries([reference])
        return self.reads.parties.get(reference)

    def _texts(self, reference: str, party: Query) -> QueryTexts:
        """The party's names as the text check reads them, built when first checked."""
        texts = self.reads.texts.get(reference)
        if texts is None:
            texts = self.reads.texts[reference] = QueryTexts(
                [party.name, *party.aliases], party.schema
            )
        return texts

    def _left(self, reference: str) -> float:
        """What this step's charges leave of a party's budgets, the lesser of the two."""
        touched = self.touched
        rise = self.parties[reference][0] - touched.charges.get(reference, 0.0)
        fall = self.fall_budgets.get(reference, math.inf) - touched.falls.get(reference, 0.0)
        return min(rise, fall)

    def _charges(self) -> None:
        """The extra drift of parties whose search uses a shifted key or reaches a moved row.

        A shifted key moves what a party gains from the rows holding it; it moves the weight
        of the party's forms too only when it is one of the party's own parts
        (:meth:`reach.BookIndex.owned_by`, :func:`drift.rank_factor`). A row
        reaches the parties its keys reach: a moved row's factor is spread over its keys
        (each keeps the lowest and highest factor of the moved rows holding it), so each key
        is looked up once."""
        book, step = self.book, self.step
        # per party, the lowest and highest factor of the weights it gains, of its own parts'
        # weights and of the norms of the rows it reaches
        names = ("gained", "form", "norm")
        ranges = {f"{name}_{end}": np.full(book.size, bound) for name in names
                  for end, bound in (("low", step.low), ("high", step.high))}  # fmt: skip
        reached = np.zeros(book.size, dtype=bool)
        for key, factor in step.shifted.items():
            parties = book.reached_by(key)
            reached[parties] = True
            np.minimum.at(ranges["gained_low"], parties, factor)
            np.maximum.at(ranges["gained_high"], parties, factor)
            own = book.owned_by(key)
            np.minimum.at(ranges["form_low"], own, factor)
            np.maximum.at(ranges["form_high"], own, factor)
        spread: dict[str, tuple[float, float]] = {}
        for row, factor in step.moved.items():
            for key in drift.row_keys(self.new, row):
                least, most = spread.get(key, (factor, factor))
                spread[key] = (min(least, factor), max(most, factor))
        for key, (least, most) in spread.items():
            parties = book.reached_by(key)
            reached[parties] = True
            np.minimum.at(ranges["norm_low"], parties, least)
            np.maximum.at(ranges["norm_high"], parties, most)
        up, down = drift.rank_factors(**ranges, power=MONITOR_PARAMS.name_norm_power)
        common = math.log(step.bound)
        rise, fall = np.log(up) - common, np.log(down) - common
        references = book.references
        for position in np.flatnonzero(reached & (rise > 0)).tolist():
            self.touched.charges[references[position]] = float(rise[position])
        for position in np.flatnonzero(reached & (fall > 0)).tolist():
            if references[position] in self.fall_budgets:
                self.touched.falls[references[position]] = float(fall[position])


def identifiers_of(data: IndexData, index: int) -> list[str]:
    entity = data.entity(index)
    keys = {identifier_key(v) for p in IDENTIFIER_PROPS for v in entity.get(p)}
    return sorted(k for k in keys if len(k) >= MIN_IDENTIFIER_LEN)


# -- the cycle ------------------------------------------------------------------------------


@dataclass
class CycleReport:
    status: str
    step: int = 0
    day: str = ""
    full: bool = False
    changes: dict[str, int] = field(default_factory=dict)
    touched: dict[str, int] = field(default_factory=dict)
    outcome: Outcome = field(default_factory=Outcome)
    parties: int = 0
    bound: float = 1.0
    pairs: int = 0
    scored: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "step": self.step,
            "day": self.day,
            "full": self.full,
            "parties": self.parties,
            "changes": self.changes,
            "touched": self.touched,
            "rescreened": self.outcome.screened,
            "alerts": self.outcome.to_dict(),
            "drift_bound": self.bound,
            "pairs": self.pairs,
            "scored": self.scored,
        }


def cycle(monitor: Monitor, actor: str = "system", full: bool = False,
          day: str = "") -> CycleReport:  # fmt: skip
    """Bring the book up to the store's state: re-screen what the change touches (every party
    with ``full``), reconcile alerts, record the step. Nothing happens when neither the store's
    state nor the day changed since the last step."""
    with monitor.lock():
        return advance(monitor, actor, full, day or today())


def advance(monitor: Monitor, actor: str, full: bool, day: str) -> CycleReport:
    """:func:`cycle`, with the monitor's lock held by the caller."""
    book = monitor.book
    state = Monitored.read(book)
    screener = monitor.screener()
    new = screener.index
    if not full and state.state_key == new.state_key and state.day == day:
        return CycleReport("unchanged", state.step, day)
    exposure = screener.annotator if isinstance(screener.annotator, Exposure) else None
    findings = findings_digests(exposure, day)
    versions = versions_of(monitor.store)
    count = book.party_count()
    old = load_index(monitor, state)
    if count == 0:  # nothing to screen: the book starts from this state
        _save(monitor, state, new, day, versions, findings, state.drift, state.floor, state.step)
        return CycleReport("recorded", state.step, day)
    changed = entity_changes.compare(old, new) if old is not None else None
    if old is None or changed is None or full:
        return _full(monitor, screener, state, (new, changed), day, (versions, findings), actor)
    changed.dated = entity_changes.dated(new, state.day or day, day) - changed.added
    changed.owned = entity_changes.findings_changed(state.findings, findings)
    step = drift.analyse(old, new, changed.all, MONITOR_PARAMS)
    total_drift = state.drift + math.log(step.bound)
    total_floor = state.floor - math.log(step.low)
    known, known_falls = book.budgets(), book.fall_budgets()
    delta = Delta(
        monitor, screener, old, new, changed, step,
        book_index(monitor, state.book_version), total_drift, total_floor, day,
        {r: (b, w * math.exp(-total_floor)) for r, (b, w) in known.items()},
        party_reads(monitor, state.book_version), known_falls,
    )  # fmt: skip
    touched = delta.find()
    budgets = _new_budgets({r: b for r, (b, _w) in known.items()}, touched)
    falls = {r: f - touched.falls.get(r, 0.0) for r, f in known_falls.items()}
    expired = {r for r, b in budgets.items() if b <= total_drift and r not in touched.why}
    expired |= {r for r, f in falls.items() if f <= total_drift and r not in touched.why}
    touched.add(sorted(expired), "drift")
    round_ = Round(state.step + 1, day, versions, total_drift, total_floor,
                   changed.step(set()), actor)  # fmt: skip
    report = CycleReport("rescreened", round_.step, day, False, changed.summary(),
                         touched.counts(), parties=count, bound=step.bound,
                         pairs=touched.pairs, scored=touched.scored)  # fmt: skip
    _record_step(monitor, round_, report, new.state_key)
    lowered = {r: b for r, b in budgets.items() if b != known[r][0]}
    with book.write() as conn:
        book.set_budgets(conn, lowered, {r: f for r, f in falls.items() if f != known_falls[r]})
        book.scale_floors(conn, touched.floors)
    tasks = [Task(p.reference, p.data, p.fingerprint, "lists")
             for p in book.parties(touched.why)]  # fmt: skip
    report.outcome = Runner(monitor.settings, screener, book, monitor.workers).screen(tasks, round_)
    _save(monitor, state, new, day, versions, findings, total_drift, total_floor, round_.step)
    return report


def _new_budgets(budgets: Mapping[str, float], touched: Touched) -> dict[str, float]:
    out = dict(budgets)
    for reference, ceiling in touched.ceilings.items():
        if reference in out:
            out[reference] = min(out[reference], ceiling)
    for reference, extra in touched.charges.items():
        if reference in out:
            out[reference] -= extra
    return out


def _full(
    monitor: Monitor,
    screener: Screener,
    state: Monitored,
    indexes: tuple[IndexData, entity_changes.EntityChanges | None],
    day: str,
    known: tuple[dict[str, int], dict[str, str]],
    actor: str,
) -> CycleReport:
    """Re-screen every party (no earlier index to compare with, or asked for)."""
    new, changed = indexes
    versions, findings = known
    book = monitor.book
    step_changes = changed.step(set()) if changed is not None else StepChanges()
    round_ = Round(state.step + 1, day, versions, state.drift, state.floor, step_changes, actor)
    rows = book.parties()
    report = CycleReport("rescreened", round_.step, day, True,
                         changed.summary() if changed is not None else {},
                         {"full": len(rows)}, parties=len(rows))  # fmt: skip
    _record_step(monitor, round_, report, new.state_key)
    tasks = [Task(p.reference, p.data, p.fingerprint, "lists") for p in rows]
    report.outcome = Runner(monitor.settings, screener, book, monitor.workers).screen(tasks, round_)
    _save(monitor, state, new, day, versions, findings, state.drift, state.floor, round_.step)
    return report


def _record_step(monitor: Monitor, round_: Round, report: CycleReport, state_key: str) -> None:
    data = {
        "step": round_.step,
        "day": round_.day,
        "versions": round_.versions,
        "state": state_key,
        "full": report.full,
        "changes": report.changes,
        "touched": report.touched,
        "drift_bound": report.bound,
    }
    monitor.book.append([ChainRecord("monitor.step", data, actor=round_.actor)])


def _save(monitor: Monitor, state: Monitored, new: IndexData, day: str,
          versions: dict[str, int], findings: dict[str, str], total_drift: float,
          total_floor: float, step: int) -> None:  # fmt: skip
    state.step, state.drift, state.floor, state.day = step, total_drift, total_floor, day
    state.state_key, state.versions, state.findings = new.state_key, versions, findings
    state.index_file = keep_index(monitor, new)
    monitor._kept = new
    with monitor.book.write() as conn:
        monitor.book.put_state(conn, state.values())
