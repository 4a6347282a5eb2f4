"""The executor side without Spark: a partition's Arrow batches through the batch engine, and
the snapshot a job ships."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import orjson
import pyarrow as pa
import pytest

from clearance.errors import InputError
from clearance.exposure import open_screener
from clearance.model import Query
from clearance.screen_batch import BatchOptions, run_batch
from clearance.settings import Settings
from clearance.spark.partition import (
    OUTPUT_SCHEMA,
    ROW_FIELD,
    from_record,
    results_batch,
    screen_partition,
)
from clearance.spark.snapshot import Snapshot, SnapshotError
from tests.spark.rows import rows

DAY = "2026-01-15"


def _batches(numbered: list[tuple[int, dict[str, object]]], size: int) -> list[pa.RecordBatch]:
    records = [{ROW_FIELD: n, **row} for n, row in numbered]
    return [pa.RecordBatch.from_pylist(records[i : i + size]) for i in range(0, len(records), size)]


def test_a_partition_gets_the_batch_engines_results_under_its_own_row_numbers(
    spark_home: Path,
) -> None:
    screener = open_screener(Settings(home=spark_home))
    options = BatchOptions(as_of=DAY, chunk_size=5)
    data = rows(2)
    expected = [r.to_dict() for r in run_batch(screener, data, options)]
    # a partition holding rows 101, 102, ... of a job, in batches of 4
    numbered = [(100 + i, row) for i, row in enumerate(data, 1)]
    out = list(screen_partition(_batches(numbered, 4), screener, options))
    assert all(batch.schema == OUTPUT_SCHEMA for batch in out)
    got = [from_record(r).to_dict() for batch in out for r in batch.to_pylist()]
    assert [g["row"] for g in got] == [n for n, _ in numbered]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == {**theirs, "row": mine["row"]}
    # what the rows are meant to exercise is there
    assert any(m.get("findings") for g in got for m in g["matches"])
    assert any(g.get("error") for g in got) and any(g["warnings"] for g in got)


def test_the_matches_column_is_the_json_of_clearance_screen(spark_home: Path) -> None:
    screener = open_screener(Settings(home=spark_home))
    [result] = run_batch(screener, rows(1)[:1], BatchOptions(as_of=DAY))
    [record] = results_batch([result]).to_pylist()
    assert record["matches"] == orjson.dumps(result.matches).decode()
    assert record["error"] is None and record["warnings"] == result.warnings


def test_a_row_without_a_number_stops_the_partition(spark_home: Path) -> None:
    screener = open_screener(Settings(home=spark_home))
    batch = pa.RecordBatch.from_pylist([{ROW_FIELD: None, "name": "Anna Testova"}])
    with pytest.raises(InputError, match="no row number"):
        list(screen_partition([batch], screener, BatchOptions()))


def test_the_snapshot_opens_a_screener_on_its_shipped_files(
    spark_home: Path, tmp_path: Path
) -> None:
    settings = Settings(home=spark_home)
    snapshot = Snapshot.open(settings)
    assert {p.parent for p in snapshot.files} == {settings.index_dir}
    shipped = tmp_path / "fetched"
    shipped.mkdir()
    for path in snapshot.files:
        (shipped / path.name).write_bytes(path.read_bytes())
    screener = snapshot.screener(shipped)
    hits = screener.search(Query("Northwind Components GmbH", schema="Company"), as_of=DAY)
    assert hits[0].entity.id == "ownership:northwind-components-gmbh" and hits[0].findings


def test_the_snapshot_refuses_files_another_build_names_otherwise(
    spark_home: Path, tmp_path: Path
) -> None:
    snapshot = Snapshot.open(Settings(home=spark_home))
    other = replace(snapshot, index_file=snapshot.index_file.with_name("names-0123.pkl"))
    with pytest.raises(SnapshotError, match="another build of clearance"):
        other.screener(snapshot.index_file.parent)
    with pytest.raises(SnapshotError, match="was not shipped"):
        snapshot.screener(tmp_path)
