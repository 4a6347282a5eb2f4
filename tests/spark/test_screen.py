"""``clearance.spark.screen`` in local mode (``local[2]``): the same results as the batch
engine of ``clearance screen``, row by row, whatever the partitioning."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import clearance.spark
from clearance.errors import InputError
from clearance.exposure import open_screener
from clearance.screen_batch import BatchOptions, run_batch
from clearance.screen_io import open_rows
from clearance.settings import Settings
from clearance.spark import Snapshot
from clearance.spark.files import job_error
from tests.spark.rows import COLUMNS, rows

DAY = "2026-01-15"
SCHEMA = ", ".join(f"{c} string" for c in COLUMNS)


def _results(df: Any) -> list[dict[str, Any]]:
    return [clearance.spark.from_record(r.asDict()).to_dict() for r in df.orderBy("row").collect()]


def _builtin(home: Path, data: Any, options: BatchOptions) -> list[dict[str, Any]]:
    screener = open_screener(Settings(home=home))
    return [r.to_dict() for r in run_batch(screener, data, options)]


@pytest.mark.parametrize(("coalesce", "partitions"), [(None, None), (1, 3), (None, 7)])
def test_results_are_those_of_clearance_screen_row_by_row(
    spark: Any, spark_home: Path, coalesce: int | None, partitions: int | None
) -> None:
    """The DataFrame as made (two partitions, in order), or gathered into one partition and
    spread over 3 or 7 by row number: every row gets the batch engine's result."""
    data = rows(3)
    df = spark.createDataFrame([tuple(r[c] for c in COLUMNS) for r in data], SCHEMA)
    if coalesce is not None:
        df = df.coalesce(coalesce)
    options = BatchOptions(as_of=DAY)
    snapshot = Snapshot.open(Settings(home=spark_home))
    results = clearance.spark.screen(df, snapshot, options=options, partitions=partitions)
    if partitions is not None:
        assert results.rdd.getNumPartitions() == partitions
    got = _results(results)
    expected = _builtin(spark_home, data, options)
    assert len(got) == len(expected) == len(data)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs
    assert any(m.get("findings") for g in got for m in g["matches"])


def test_rows_are_numbered_in_the_dataframes_order_across_partitions(spark: Any) -> None:
    # 10 partitions for 25 rows: some partitions are empty, others hold several rows
    df = spark.range(0, 25, numPartitions=10).selectExpr("id", "cast(id as string) as name")
    numbered = clearance.spark.number_rows(df).collect()
    assert sorted((r["__clearance_row__"], r["id"]) for r in numbered) == [
        (i + 1, i) for i in range(25)
    ]


def test_threshold_and_row_numbers_of_the_callers(spark: Any, spark_home: Path) -> None:
    data = rows(1)
    df = spark.createDataFrame(
        [(i * 10, *(r[c] for c in COLUMNS)) for i, r in enumerate(data, 1)],
        f"line bigint, {SCHEMA}",
    )
    settings = Settings(home=spark_home)
    options = BatchOptions(as_of=DAY)
    screened = clearance.spark.screen(df, settings, 0.95, options, row_column="line")
    got = _results(screened)
    assert [g["row"] for g in got] == [i * 10 for i in range(1, len(data) + 1)]
    expected = _builtin(spark_home, data, BatchOptions(as_of=DAY, threshold=0.95))
    assert [g["matches"] for g in got] == [e["matches"] for e in expected]
    assert all(m["score"] >= 0.95 for g in got for m in g["matches"])


def test_typed_parquet_values_are_read_as_clearance_screen_reads_them(
    spark: Any, spark_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "typed.parquet"
    table = pa.table(
        {
            "reference": pa.array([17, 18, 19], pa.int64()),
            "name": ["Anna Petrovna Testova", "  SEA SPARROW ", "Omar Al Example"],
            "birth_date": pa.array([date(1960, 1, 1), None, date(1975, 3, 1)], pa.date32()),
            "country": pa.array([["ru", "ua"], [], ["ye"]], pa.list_(pa.string())),
            "id_number": pa.array([None, 9123456.0, None], pa.float64()),
        }
    )
    pq.write_table(table, path)
    options = BatchOptions(as_of=DAY)
    snapshot = Snapshot.open(Settings(home=spark_home))
    got = _results(clearance.spark.screen(spark.read.parquet(str(path)), snapshot, None, options))
    expected = _builtin(spark_home, open_rows(path, "parquet"), options)
    assert got == expected
    assert got[0]["matches"] and got[1]["reference"] == "18"


def test_the_snapshot_files_are_shipped_once_per_context(spark: Any, spark_home: Path) -> None:
    snapshot = Snapshot.open(Settings(home=spark_home))
    df = spark.createDataFrame([("a", "Anna Testova")], "reference string, name string")
    for _ in range(2):
        clearance.spark.screen(df, snapshot).collect()
    names = [uri.rsplit("/", 1)[-1] for uri in spark.sparkContext.listFiles]
    assert sorted(n for n in names if n in {p.name for p in snapshot.files}) == sorted(
        p.name for p in snapshot.files
    )


def test_input_without_a_name_column_is_refused(spark: Any, spark_home: Path) -> None:
    df = spark.createDataFrame([("a", "Anna Testova")], "reference string, vendor string")
    with pytest.raises(InputError, match=r"no name column 'name'.*'vendor'"):
        clearance.spark.screen(df, Settings(home=spark_home))
    with pytest.raises(InputError, match="no row column 'line'"):
        clearance.spark.screen(
            df.withColumnRenamed("vendor", "name"), Settings(home=spark_home), row_column="line"
        )


def test_matches_explode_into_rows_with_a_partial_schema(spark: Any, spark_home: Path) -> None:
    """The README's way to get one row per match: ``from_json`` with the fields wanted."""
    from pyspark.sql import functions as F

    data = rows(1)
    df = spark.createDataFrame([tuple(r[c] for c in COLUMNS) for r in data], SCHEMA)
    results = clearance.spark.screen(df, Settings(home=spark_home), options=BatchOptions(as_of=DAY))
    wanted = "array<struct<entity_id:string,name:string,score:double,lists:array<string>>>"
    exploded = results.select("row", F.explode(F.from_json("matches", wanted)).alias("m")).select(
        "row", "m.*"
    )
    got = sorted((r["row"], r["entity_id"], r["score"]) for r in exploded.collect())
    expected = sorted(
        (result["row"], m["entity_id"], m["score"])
        for result in _builtin(spark_home, data, BatchOptions(as_of=DAY))
        for m in result["matches"]
    )
    assert got == expected and got


def test_an_executor_refuses_the_snapshot_of_another_build(
    spark: Any, spark_home: Path, tmp_path: Path
) -> None:
    """Files named otherwise than this build names them stop the job with the reason, which
    the command line shows as one paragraph."""
    from pyspark.errors import PySparkException

    snapshot = Snapshot.open(Settings(home=spark_home))
    renamed = tmp_path / "names-0123456789abcdef01234567.pkl"
    shutil.copyfile(snapshot.index_file, renamed)
    other = replace(snapshot, index_file=renamed)
    df = spark.createDataFrame([("a", "Anna Testova")], "reference string, name string")
    with pytest.raises(PySparkException) as caught:
        clearance.spark.screen(df, other).collect()
    message = str(job_error(caught.value))
    assert message.startswith("The Spark job failed: clearance.spark.snapshot.SnapshotError: ")
    assert "another build of clearance" in message and "Traceback" not in message


def test_a_blank_csv_value_on_spark_is_one_pythons_strip_empties(spark: Any) -> None:
    """Rows of blanks are skipped by the Spark reader as by ``clearance screen``'s: its Java
    pattern of white space agrees with Python's on every character of the BMP."""
    from pyspark.sql import functions as F

    from clearance.spark.files import BLANK_PATTERN

    chars = [chr(c) for c in range(1, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    df = spark.createDataFrame([(c, c * 3) for c in chars], "one string, three string")
    blank = df.filter(F.col("one").rlike(BLANK_PATTERN) & F.col("three").rlike(BLANK_PATTERN))
    assert {r["one"] for r in blank.collect()} == {c for c in chars if not c.strip()}
