"""Screening a Spark DataFrame: number the rows, ship the snapshot, screen each partition.

:func:`screen` is lazy like any Spark transformation: it returns the DataFrame of results,
and the screening runs when an action (a write, a count, a collect) asks for it, once per
action. Persist the result, or write it once, rather than running two actions on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
from pyspark import SparkContext, SparkFiles
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from clearance.errors import InputError
from clearance.queries import Columns
from clearance.screen import today
from clearance.screen_batch import BatchOptions
from clearance.settings import Settings
from clearance.spark.partition import (
    OUTPUT_DDL,
    ROW_FIELD,
    screen_partition,
    worker_screener,
)
from clearance.spark.snapshot import Snapshot

#: ``monotonically_increasing_id`` puts the partition number above bit 33 of the id
_PARTITION_SHIFT = 33
_ID_FIELD = "__clearance_id__"


def _partition_of(ids: Column) -> Column:
    return F.shiftright(ids, _PARTITION_SHIFT)


def number_rows(df: DataFrame) -> DataFrame:
    """``df`` with :data:`ROW_FIELD` numbering its rows 1, 2, 3... in the DataFrame's order
    (partition after partition, each in its order: the order of a file read by Spark).

    One job counts the rows of each partition; the numbers are then worked out in the JVM
    from each row's position in its partition. The input is read twice, so it must give the
    same partitions each time (files do; a DataFrame shuffled at random does not: give it a
    row column of its own)."""
    marked = df.withColumn(_ID_FIELD, F.monotonically_increasing_id())
    counts = {
        int(part): int(count)
        for part, count in marked.groupBy(_partition_of(F.col(_ID_FIELD)).alias("p"))
        .count()
        .collect()
    }
    offsets: list[int] = []
    total = 0
    for part in range(max(counts, default=-1) + 1):
        offsets.append(total)
        total += counts.get(part, 0)
    if not offsets:
        return marked.withColumn(ROW_FIELD, F.lit(None).cast("bigint")).drop(_ID_FIELD)
    ids = F.col(_ID_FIELD)
    first = F.element_at(
        F.array(*(F.lit(o) for o in offsets)), (_partition_of(ids) + 1).cast("int")
    )
    position = ids.bitwiseAND((1 << _PARTITION_SHIFT) - 1)
    return marked.withColumn(ROW_FIELD, (first + position + 1).cast("bigint")).drop(_ID_FIELD)


def ship(context: SparkContext, snapshot: Snapshot) -> None:
    """Add the snapshot's files to the Spark context (each executor fetches them once). A
    file name is one content (a hash of the store state and the code), so a name the context
    has already is not added again."""
    shipped = {uri.rstrip("/").rsplit("/", 1)[-1] for uri in context.listFiles}
    for path in snapshot.files:
        if path.name not in shipped:
            context.addFile(str(path))


def check_columns(columns: list[str], wanted: Columns, where: str) -> None:
    """Refuse input with none of the name columns, naming the columns it has."""
    if not any(name in columns for name in wanted.name):
        found = ", ".join(repr(c) for c in columns[:30]) or "none"
        raise InputError(
            f"{where} has no name column {' or '.join(repr(n) for n in wanted.name)}: its "
            f"columns are {found}. Say which column holds the name."
        )


def screen(
    df: DataFrame,
    snapshot: Snapshot | Settings,
    threshold: float | None = None,
    options: BatchOptions | None = None,
    row_column: str | None = None,
    partitions: int | None = None,
) -> DataFrame:
    """Screen every row of ``df`` against the active lists: a DataFrame with one row per
    input row, in the shape of ``clearance screen``'s JSON lines (see ``OUTPUT_DDL``).

    ``snapshot`` is a :class:`Snapshot` or the settings of the store to make one of.
    ``options`` are the batch engine's (columns, limit, filters, ``as_of``: the day is fixed
    here when not given, so every executor reads the lists for the same day); ``threshold``
    overrides theirs. Rows are numbered 1, 2, 3... in the DataFrame's order, or take their
    numbers from ``row_column``. ``partitions`` spreads the numbered rows over that many
    partitions, in row order (for input with fewer partitions than the cluster has cores).
    """
    snap = snapshot if isinstance(snapshot, Snapshot) else Snapshot.open(snapshot)
    batch = options or BatchOptions()
    batch = replace(
        batch,
        threshold=batch.threshold if threshold is None else threshold,
        workers=1,
        as_of=batch.as_of or today(),
    )
    check_columns(df.columns, batch.columns, "The DataFrame")
    if ROW_FIELD in df.columns:
        raise InputError(f"The DataFrame has a column {ROW_FIELD!r}: rename it.")
    if row_column is None:
        numbered = number_rows(df)
    elif row_column in df.columns:
        numbered = df.withColumn(ROW_FIELD, F.col(row_column).cast("bigint"))
    else:
        raise InputError(f"The DataFrame has no row column {row_column!r}.")
    if partitions is not None:
        numbered = numbered.repartitionByRange(partitions, ROW_FIELD).sortWithinPartitions(
            ROW_FIELD
        )
    ship(df.sparkSession.sparkContext, snap)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        screener = worker_screener(snap, Path(SparkFiles.getRootDirectory()))
        yield from screen_partition(batches, screener, batch)

    return numbered.mapInArrow(run, OUTPUT_DDL)
