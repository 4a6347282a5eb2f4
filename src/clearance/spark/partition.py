"""One partition of a Spark job, screened by the batch engine.

Spark hands each task its partition as Arrow record batches (``mapInArrow``). Their rows are
read like the rows of a typed file (:func:`clearance.screen_io.read_cell`) and streamed
through :func:`clearance.screen_batch.run_batch` in one process: the same query builder,
screener, repeated-query cache and result objects as ``clearance screen``. Rows keep the
numbers the job gave them. Results leave as Arrow batches of the columns of ``clearance
screen``'s JSON lines: ``row``, ``reference``, ``name``, ``matches`` (the JSON array of
matches, exactly as written there), ``warnings`` and ``error`` (null when none).

Nothing here imports Spark.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from clearance.errors import InputError
from clearance.screen import Screener
from clearance.screen_batch import BatchOptions, RowResult, run_batch
from clearance.screen_io import read_cell
from clearance.spark.snapshot import Snapshot

#: the column holding each row's number while a job runs (never a query value)
ROW_FIELD = "__clearance_row__"
#: results per Arrow batch handed back to Spark
OUTPUT_BATCH = 1024
#: the result columns, as Spark DDL and as an Arrow schema
OUTPUT_DDL = (
    "row bigint, reference string, name string, matches string, warnings array<string>, "
    "error string"
)
OUTPUT_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("reference", pa.string()),
        ("name", pa.string()),
        ("matches", pa.string()),
        ("warnings", pa.list_(pa.string())),
        ("error", pa.string()),
    ]
)

#: the screener of this Python worker process, by the snapshot it was opened on (one kept:
#: Spark reuses a worker process for the tasks of later jobs)
_SCREENERS: dict[Snapshot, Screener] = {}


def worker_screener(snapshot: Snapshot, directory: Path) -> Screener:
    """The screener over ``snapshot``'s files in ``directory``, opened once per process."""
    found = _SCREENERS.get(snapshot)
    if found is None:
        _SCREENERS.clear()
        found = _SCREENERS[snapshot] = snapshot.screener(directory)
        # the index and tables just loaded live as long as the process: the collector need
        # not scan them again (as the batch engine's forked workers do)
        gc.freeze()
    return found


def _rows(batches: Iterable[pa.RecordBatch], numbers: deque[int]) -> Iterator[dict[str, Any]]:
    for batch in batches:
        for record in batch.to_pylist():
            number = record.pop(ROW_FIELD, None)
            if not isinstance(number, int):
                raise InputError(f"a row has no row number ({number!r}): rows must be numbered")
            numbers.append(number)
            yield {str(k): read_cell(v) for k, v in record.items()}


def results_batch(results: list[RowResult]) -> pa.RecordBatch:
    """Row results as an Arrow batch of :data:`OUTPUT_SCHEMA`."""
    columns = [
        pa.array([r.row for r in results], pa.int64()),
        pa.array([r.reference for r in results], pa.string()),
        pa.array([r.name for r in results], pa.string()),
        pa.array([orjson.dumps(r.matches).decode() for r in results], pa.string()),
        pa.array([r.warnings for r in results], pa.list_(pa.string())),
        pa.array([r.error or None for r in results], pa.string()),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=OUTPUT_SCHEMA)


def from_record(record: Mapping[str, Any]) -> RowResult:
    """A result row (a Spark ``Row.asDict()`` or an Arrow record) as the batch engine's
    result, which writes itself exactly as ``clearance screen`` does."""
    return RowResult(
        row=int(record["row"]),
        reference=record["reference"] or "",
        name=record["name"] or "",
        matches=orjson.loads(record["matches"]),
        error=record["error"] or "",
        warnings=list(record["warnings"] or ()),
    )


def screen_partition(
    batches: Iterable[pa.RecordBatch], screener: Screener, options: BatchOptions
) -> Iterator[pa.RecordBatch]:
    """The results of a partition's numbered rows, in their order, in Arrow batches."""
    numbers: deque[int] = deque()
    out: list[RowResult] = []
    # results come back in input order, one per row, a chunk at a time: ``numbers`` holds
    # the numbers of the rows read but not yet answered
    for result in run_batch(screener, _rows(batches, numbers), options):
        result.row = numbers.popleft()
        out.append(result)
        if len(out) >= OUTPUT_BATCH:
            yield results_batch(out)
            out = []
    if out:
        yield results_batch(out)
