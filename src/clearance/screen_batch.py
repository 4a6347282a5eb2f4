"""The batch engine: rows in, one result per row out, streamed through worker processes.

The command line's ``screen``, the Python API and the HTTP API's ``/screen`` and ``/jobs`` all
screen rows here: each row becomes a query in :mod:`clearance.queries` (a row without a usable
name gets an error, a value that cannot be read a warning) and is searched with the filters
of the call.

Rows are cut into chunks; at most ``2 * workers`` chunks are in flight, and results come back in
input order, so memory stays flat whatever the input size. A row repeating the query of a recent
row (the same name, schema, country, birth date, identifiers and aliases) is not screened again:
it gets that row's result under its own number and reference. Each worker screens with its own
:class:`~clearance.screen.Screener`: inherited from the parent when processes fork (the index
pages are shared copy-on-write), opened from the persisted index otherwise.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import Any

from clearance.errors import ClearanceError
from clearance.index.facets import Filters
from clearance.index.search import SearchParams
from clearance.queries import Built, Columns, from_row, row_key
from clearance.screen import Screener, SearchTrace, today
from clearance.settings import Settings


@dataclass(frozen=True)
class Prepared:
    """A row whose query its caller has already built, with :func:`from_row` and the columns
    of the run (the book reads each party's query for its fingerprint): the engine screens
    ``built`` instead of reading the row again."""

    row: Mapping[str, Any]
    built: Built


Item = Mapping[str, Any] | Prepared
Row = tuple[int, Item]


@dataclass
class RowResult:
    """The outcome of one input row: its matches (as dicts) or the error that stopped it, and
    what of the row could not be read."""

    row: int
    reference: str
    name: str
    matches: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    #: the search's :class:`~clearance.screen.SearchTrace` as a dict, when options ask for it
    trace: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "reference": self.reference, "name": self.name}
        if self.error:
            out["error"] = self.error
        out["matches"] = self.matches
        out["warnings"] = self.warnings
        return out


@dataclass(frozen=True)
class BatchOptions:
    columns: Columns = field(default_factory=Columns)
    threshold: float | None = None
    limit: int = 10
    workers: int = 1
    chunk_size: int = 256
    #: chunks a worker screens before it is replaced by a fresh fork (``None``: never). A
    #: worker gets faster as its caches warm (about twice as slow over its first 2,000 rows as
    #: after 10,000), but its memory keeps growing as its bounded caches fill and it touches
    #: more of the parent's pages: about 170 MB of PSS over 160 chunks, two thirds of it in
    #: the first 60. At 100 chunks, with the smaller token and entity caches, 200,000 rows
    #: peaked at 877 MB against 1,003 MB at 160, for the same CPU (benchmarks/README.md)
    chunks_per_worker: int | None = 100
    #: distinct queries whose results are kept for rows repeating them (0: none), in the
    #: parent, about 250 bytes each (a 1M-row file fills it)
    repeats_kept: int = 200_000
    #: which listed entities count (sources, schemata, countries...; default: every entity
    #: with a listing in force)
    filters: Filters | None = None
    #: the day the lists and the ownership rules are read for (ISO; "" today)
    as_of: str = ""
    #: when above 1, each result carries its search's trace certified up to this factor
    #: (``RowResult.trace``; the monitor keeps it with the party)
    trace_band: float = 0.0


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _fields(item: Item) -> Mapping[str, Any]:
    return item.row if isinstance(item, Prepared) else item


def _reference(item: Item, columns: Columns) -> str:
    row = _fields(item)
    return next((_text(row[c]) for c in columns.reference if c in row), "")


def screen_row(screener: Screener, number: int, item: Item, options: BatchOptions
               ) -> RowResult:  # fmt: skip
    """Screen one numbered row: its matches and warnings, or the error that stopped it."""
    reference = _reference(item, options.columns)
    row = _fields(item)
    try:
        built = item.built if isinstance(item, Prepared) else from_row(row, options.columns)
    except ClearanceError as exc:
        name = next((_text(row[c]) for c in options.columns.name if c in row), "")
        return RowResult(number, reference, name[:200], error=str(exc))
    trace = SearchTrace(options.trace_band) if options.trace_band > 1 else None
    try:
        hits = screener.search(
            built.query,
            limit=options.limit,
            threshold=options.threshold,
            filters=options.filters,
            as_of=options.as_of,
            trace=trace,
        )
    except (ClearanceError, ValueError, TypeError) as exc:  # one row's failure ends no run
        return RowResult(number, reference, built.query.name, error=f"not screened: {exc}")
    return RowResult(
        number, reference, built.query.name, [h.to_dict() for h in hits], "",
        list(built.warnings), trace.to_dict() if trace is not None else None,
    )  # fmt: skip


def screen_chunk(screener: Screener, rows: list[Row], options: BatchOptions) -> list[RowResult]:
    """Screen a chunk of numbered rows; a bad row gets an error, the others go on."""
    return [screen_row(screener, number, row, options) for number, row in rows]


class _Holder:
    """The result of a row, once it is back: shared by the rows repeating its query."""

    __slots__ = ("error", "matches", "name", "ready", "trace", "warnings")

    def __init__(self) -> None:
        self.ready = False
        self.name = self.error = ""
        self.matches: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.trace: dict[str, Any] | None = None

    def keep(self, result: RowResult) -> None:
        self.ready = True
        self.name, self.error = result.name, result.error
        self.matches = result.matches or _NO_MATCHES
        self.warnings = result.warnings or _NO_WARNINGS
        self.trace = result.trace

    def copy(self, number: int, reference: str) -> RowResult:
        if not self.ready:
            # the first row is in the same chunk or an earlier one, whose results are back
            raise RuntimeError("a repeated row came back before its first row")
        return RowResult(
            number, reference, self.name, self.matches, self.error, self.warnings, self.trace
        )


_NO_MATCHES: list[dict[str, Any]] = []
_NO_WARNINGS: list[str] = []

#: a chunk's rows to screen (with their holders) and its repeated rows (number, reference,
#: holder of the first row with their query)
Split = tuple[list[Row], list[_Holder], list[tuple[int, str, _Holder]]]


class _Repeats:
    """Rows whose query was seen recently: screened once, the result copied to the others.

    The parent does this, before rows go to workers, so repeats are found across workers. It
    remembers between ``size / 2`` and ``size`` of the latest distinct queries (two
    generations, each a dict from a digest of the query to its holder: about 250 bytes per
    query). A repeated row holds its first row's holder, so forgetting a query never loses a
    result still awaited."""

    def __init__(self, options: BatchOptions) -> None:
        self.columns = options.columns
        self.half = options.repeats_kept // 2
        self.current: dict[bytes, _Holder] = {}
        self.previous: dict[bytes, _Holder] = {}

    def _digest(self, item: Item) -> bytes:
        key = row_key(_fields(item), self.columns)
        return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def split(self, chunk: list[Row]) -> Split:
        if self.half <= 0:
            return chunk, [_Holder() for _ in chunk], []
        rows: list[Row] = []
        holders: list[_Holder] = []
        repeats: list[tuple[int, str, _Holder]] = []
        for number, row in chunk:
            digest = self._digest(row)
            holder = self.current.get(digest) or self.previous.get(digest)
            if holder is not None:
                repeats.append((number, _reference(row, self.columns), holder))
                continue
            holder = self.current[digest] = _Holder()
            if len(self.current) >= self.half:
                self.previous, self.current = self.current, {}
            rows.append((number, row))
            holders.append(holder)
        return rows, holders, repeats

    @staticmethod
    def merge(split: Split, results: list[RowResult]) -> list[RowResult]:
        """The chunk's results, in row order: the screened rows' and their repeats'."""
        _, holders, repeats = split
        for holder, result in zip(holders, results, strict=True):
            holder.keep(result)
        if not repeats:
            return results
        out = results + [holder.copy(number, ref) for number, ref, holder in repeats]
        out.sort(key=lambda r: r.row)
        return out


# Process-wide state of a worker: set by the parent just before forking, or by _init_worker.
_WORKER: dict[str, Screener] = {}


def _init_worker(
    settings: Settings | None,
    profile: str | None,
    annotator: Any = None,
    params: SearchParams | None = None,
) -> None:
    # screening makes no reference cycles (a full collection after 3,000 rows finds nothing
    # to free) and a worker lives a bounded number of chunks: the collector's scans of the
    # caches would cost about 8% of a worker's time for nothing
    gc.disable()
    if "screener" not in _WORKER:
        if settings is None:
            raise RuntimeError("a spawned worker needs settings to open its screener")
        _WORKER["screener"] = Screener.open(settings, profile, params)
        _WORKER["screener"].annotator = annotator


def _work(rows: list[Row], options: BatchOptions) -> list[RowResult]:
    return screen_chunk(_WORKER["screener"], rows, options)


def _chunks(rows: Iterable[Item], size: int) -> Iterator[list[Row]]:
    numbered = enumerate(rows, 1)
    while chunk := list(islice(numbered, size)):
        yield chunk


def pinned(options: BatchOptions) -> BatchOptions:
    """``options`` with the day of the run fixed (the options', else their filters', else
    today) and carried in the filters too: every row of a run is read for one day, even one
    that runs past midnight, and no search has to work the day out again."""
    filters = options.filters or Filters()
    day = options.as_of or filters.as_of or today()
    return replace(options, as_of=day, filters=replace(filters, as_of=day))


def run_batch(
    screener: Screener,
    rows: Iterable[Item],
    options: BatchOptions,
    settings: Settings | None = None,
    progress: Callable[[int], None] | None = None,
    stop: Callable[[], None] | None = None,
) -> Iterator[RowResult]:
    """Results of every row, in input order (``settings`` lets spawned workers open stores).
    ``stop`` is called between chunks and may raise to end the run (a deadline, a shutdown)."""
    options = pinned(options)
    repeats = _Repeats(options)
    if options.workers <= 1:
        for chunk in _chunks(rows, options.chunk_size):
            if stop is not None:
                stop()
            split = repeats.split(chunk)
            yield from repeats.merge(split, screen_chunk(screener, split[0], options))
            if progress:
                progress(len(chunk))
        return
    methods = multiprocessing.get_all_start_methods()
    forking = "fork" in methods
    context = multiprocessing.get_context("fork" if forking else "spawn")
    chunks = _chunks(rows, options.chunk_size)
    if forking:
        # the first chunk is screened here, before forking: what its names need loaded
        # (transliteration dictionaries take up to half a second and 100 MB) is then loaded
        # once and shared by every worker, instead of once per (recycled) worker
        for chunk in islice(chunks, 1):
            split = repeats.split(chunk)
            yield from repeats.merge(split, screen_chunk(screener, split[0], options))
            if progress:
                progress(len(chunk))
    _WORKER["screener"] = screener  # inherited by forked workers
    if forking:
        # objects made so far (index, loaded dictionaries) are left out of the workers'
        # garbage collections: scanning them would cost time and copy their shared pages
        gc.freeze()
    try:
        with context.Pool(
            options.workers,
            initializer=_init_worker,
            initargs=(settings, screener.profile, screener.annotator, screener.searcher.params),
            maxtasksperchild=options.chunks_per_worker,
        ) as pool:
            pending: deque[tuple[int, Split, AsyncResult[list[RowResult]]]] = deque()
            for chunk in chunks:
                if stop is not None:
                    stop()
                split = repeats.split(chunk)
                work = pool.apply_async(_work, (split[0], options))
                pending.append((len(chunk), split, work))
                while len(pending) >= 2 * options.workers:
                    yield from _collect(pending, progress)
            while pending:
                yield from _collect(pending, progress)
    finally:
        _WORKER.pop("screener", None)
        if forking:
            gc.unfreeze()


def _collect(
    pending: deque[tuple[int, Split, AsyncResult[list[RowResult]]]],
    progress: Callable[[int], None] | None,
) -> list[RowResult]:
    size, split, result = pending.popleft()
    out = _Repeats.merge(split, result.get())
    if progress:
        progress(size)
    return out
