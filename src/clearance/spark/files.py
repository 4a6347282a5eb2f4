"""``clearance screen IN --engine spark``: a CSV or Parquet file screened by a Spark job.

The file is read by Spark, so it may be larger than the machine that runs the command (or be
a folder of files, or a URL Spark reads: ``hdfs://``, ``s3a://``). Rows are numbered like
``clearance screen`` numbers them, spread over the cluster, screened, and brought back to
this process in row order, where the usual writers write them: the output is the file
``clearance screen`` writes. Results larger than this machine can write are for
:func:`clearance.spark.screen` and a Spark writer.

CSV is read as ``clearance screen`` reads it: a header row, RFC 4180 quoting (quoted fields
may span lines), names of columns and values stripped of white space, rows of blanks skipped
and not numbered, and for a local file the encoding found by
:func:`clearance.screen_io.text_encoding` (byte-order mark, else UTF-8, else the declared one).
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import Path

from pyspark import StorageLevel
from pyspark.errors import PySparkException
from pyspark.sql import DataFrame, SparkSession

from clearance.errors import ClearanceError, InputError
from clearance.screen_batch import BatchOptions, RowResult
from clearance.screen_io import text_encoding
from clearance.spark.job import check_columns, screen
from clearance.spark.partition import from_record
from clearance.spark.snapshot import Snapshot

FORMATS = ("csv", "parquet")
#: a value Python's ``str.strip`` leaves empty (its white space: Unicode separators and the
#: ASCII and C1 controls it counts as space), as a Java pattern
BLANK_PATTERN = r"^[\t\n\x{0B}\f\r\x{1C}-\x{1F}\x{85}\p{Z}]*$"
#: the encodings Spark's CSV reader takes, by Python codec name
SPARK_CHARSETS = {
    "utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be", "utf-32": "utf-32", "iso8859-1": "iso-8859-1", "ascii": "us-ascii",
}  # fmt: skip
#: partitions per core of the cluster, so a slow partition does not hold a core idle
PARTITIONS_PER_CORE = 4


class LostRowsError(ClearanceError):
    """The results of a Spark job do not answer every row once, in order."""


class SparkJobError(ClearanceError):
    """The Spark job failed (an executor without clearance, a file Spark cannot read...)."""


#: the line of a Spark failure that names the Python or Java error behind it
_CAUSE = re.compile(r"^\s*([\w.]+(?:Error|Exception)\b.*)$", re.MULTILINE)


def job_error(exc: PySparkException) -> SparkJobError:
    """A Spark failure as one paragraph: the last error it names, not its stack traces."""
    text = str(exc)
    causes = [m.group(1).strip() for m in _CAUSE.finditer(text)]
    cause = causes[-1] if causes else text.strip().splitlines()[0] if text.strip() else repr(exc)
    return SparkJobError(f"The Spark job failed: {cause[:1000]}")


@dataclass(frozen=True)
class SparkInput:
    """A file to screen on Spark: where (a path or a URL Spark reads), its format (csv or
    parquet), the encoding declared for a CSV file, and the master (``None``: local, on
    ``cores`` cores or all)."""

    path: str
    fmt: str
    encoding: str | None = None
    master: str | None = None
    cores: int | None = None


def open_session(master: str | None, cores: int | None = None) -> SparkSession:
    """A Spark session for the command line (the active one, when this process has one).
    Without a master it runs locally, its Python workers on this interpreter (where
    clearance is installed)."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    url = master or f"local[{cores or '*'}]"
    if url.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(url)
        .appName("clearance screen")
        .config("spark.log.level", "ERROR")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", str(sys.stderr.isatty()).lower())
        .getOrCreate()
    )


def spark_charset(encoding: str) -> str:
    """Spark's name of a Python encoding, or a refusal naming those it reads."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"Unknown encoding {encoding!r}: use utf-8, latin-1, utf-16...") from None
    if name not in SPARK_CHARSETS:
        raise InputError(
            f"Spark reads CSV files in UTF-8, UTF-16, UTF-32, Latin-1 (ISO 8859-1) or ASCII, "
            f"not {encoding}: convert the file to UTF-8, or screen it without --engine spark."
        )
    return SPARK_CHARSETS[name]


def read_csv(spark: SparkSession, path: str, encoding: str | None) -> DataFrame:
    """A CSV file read as ``clearance screen`` reads one (see the module's note)."""
    local = Path(path)
    if local.is_file():
        encoding = text_encoding(local, encoding)
    df = spark.read.csv(
        path,
        header=True,
        multiLine=True,
        escape='"',
        encoding=spark_charset(encoding or "utf-8"),
        inferSchema=False,
        mode="PERMISSIVE",
    )
    names = [c.lstrip("\ufeff").strip() for c in df.columns]
    if not any(names):
        raise InputError(f"{path} is empty: a CSV file with a header row is expected.")
    df = df.toDF(*names)
    written = [df[c].isNotNull() & ~df[c].rlike(BLANK_PATTERN) for c in df.columns]
    return df.filter(reduce(or_, written))


def read_input(spark: SparkSession, source: SparkInput) -> DataFrame:
    if source.fmt not in FORMATS:
        raise InputError(
            f"The Spark engine reads CSV and Parquet, not {source.fmt}: screen it without "
            "--engine spark, or convert it."
        )
    if source.fmt == "parquet":
        return spark.read.parquet(source.path)
    return read_csv(spark, source.path, source.encoding)


def ordered(results: Iterator[RowResult]) -> Iterator[RowResult]:
    """The results, checked to answer rows 1, 2, 3... each once, in order."""
    expected = 1
    for result in results:
        if result.row != expected:
            raise LostRowsError(
                f"The Spark job answered row {result.row} where row {expected} was due: "
                "the input changed while it was read, or the job lost rows. Nothing after "
                f"row {expected - 1} was written; screen the file again."
            )
        expected += 1
        yield result


def screen_file(
    source: SparkInput, snapshot: Snapshot, options: BatchOptions
) -> Iterator[RowResult]:
    """The result of every row of the file, in row order (a session opened for them ends
    with them)."""
    had_session = SparkSession.getActiveSession() is not None
    spark = open_session(source.master, source.cores)
    try:
        df = read_input(spark, source)
        check_columns(df.columns, options.columns, source.path)
        cores = spark.sparkContext.defaultParallelism
        results = screen(df, snapshot, options=options, partitions=cores * PARTITIONS_PER_CORE)
        # every partition is screened at once and kept; the driver then reads them in order
        results = results.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            results.count()
            rows = (from_record(r.asDict()) for r in results.toLocalIterator(True))
            yield from ordered(rows)
        finally:
            results.unpersist()
    except PySparkException as exc:
        raise job_error(exc) from exc
    finally:
        if not had_session:
            spark.stop()
