"""Batch screening: input formats, row errors, output shapes, worker pool in input order."""

from __future__ import annotations

import csv
import gc
import io
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.errors import InputError
from clearance.index import build_index
from clearance.screen import Screener
from clearance.screen_batch import BatchOptions, run_batch, screen_chunk
from clearance.screen_io import (
    CSV_COLUMNS,
    Columns,
    RowResult,
    Writer,
    detect_format,
    parse_birth_date,
    read_rows,
    row_query,
)
from tests.index.standin import StandInScorer
from tests.test_screen import ENTITIES

ROWS = [
    {"name": "Muammar Qaddafi", "schema": "person", "country": "LY", "reference": "r1"},
    {"name": "", "reference": "r2"},
    {"name": "Hikvision Trading", "type": "Company", "birth_date": "1999-02-30", "reference": "r3"},
    {"name": "Nobody In Particular", "reference": "r4", "id_number": "A1; B2"},
    {"name": "Hangzhou Hikvision Digital Technology", "country": "China", "reference": "r5"},
]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(build_index(ENTITIES, "s1"), StandInScorer(threshold=0.8))


def write_inputs(tmp_path: Path) -> dict[str, Path]:
    header = ["name", "schema", "type", "country", "birth_date", "id_number", "reference"]
    paths = {
        "csv": tmp_path / "in.csv",
        "jsonl": tmp_path / "in.jsonl",
        "xlsx": tmp_path / "in.xlsx",
    }
    with paths["csv"].open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(ROWS)
    paths["jsonl"].write_bytes(b"\n".join(orjson.dumps(r) for r in ROWS))
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in ROWS:
        sheet.append([row.get(h) for h in header])
    book.save(paths["xlsx"])
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths["parquet"] = tmp_path / "in.parquet"
    table = pa.table({h: [r.get(h, "") for r in ROWS] for h in header})
    pq.write_table(table, paths["parquet"])
    return paths


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "parquet"])
def test_every_input_format_gives_the_same_queries(tmp_path: Path, fmt: str) -> None:
    path = write_inputs(tmp_path)[fmt]
    rows = list(read_rows(path, detect_format(path)))
    assert [r.get("reference") for r in rows] == ["r1", "r2", "r3", "r4", "r5"]
    query = row_query(rows[0], Columns())
    assert (query.name, query.schema, query.country) == ("Muammar Qaddafi", "Person", ("ly",))
    assert row_query(rows[3], Columns()).identifiers == ("A1", "B2")


def test_bad_rows_get_errors_and_the_run_goes_on(screener: Screener) -> None:
    results = list(run_batch(screener, ROWS, BatchOptions()))
    assert [r.row for r in results] == [1, 2, 3, 4, 5]
    assert results[0].matches[0]["entity_id"] == "test:2" and not results[0].error
    assert "no name" in results[1].error
    assert "not a real date" in results[2].error
    assert results[3].matches == [] and not results[3].error
    assert "ISO 3166" in results[4].error


def test_worker_pool_keeps_input_order(screener: Screener) -> None:
    rows = [{"name": n, "reference": str(i)} for i, n in
            enumerate(["Muammar Qaddafi", "Hikvision Trading", "Nobody"] * 40)]  # fmt: skip
    options = BatchOptions(workers=2, chunk_size=7)
    pooled = [r.to_dict() for r in run_batch(screener, rows, options)]
    single = [r.to_dict() for r in run_batch(screener, rows, BatchOptions())]
    assert pooled == single and [p["reference"] for p in pooled] == [str(i) for i in range(120)]


def test_jsonl_and_csv_output_shapes(screener: Screener) -> None:
    results = list(run_batch(screener, ROWS[:2], BatchOptions()))
    out = io.StringIO()
    writer = Writer("jsonl", out)
    for result in results:
        writer.write(result)
    lines = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0]["row"] == 1 and lines[0]["reference"] == "r1"
    assert {"entity_id", "source", "source_id", "name", "score", "lists", "effect"} <= set(
        lines[0]["matches"][0]
    )
    assert lines[1]["matches"] == [] and lines[1]["error"]
    out = io.StringIO()
    writer = Writer("csv", out)
    for result in results:
        writer.write(result)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(table[0]) == CSV_COLUMNS
    assert table[0]["entity_id"] == "test:2" and table[0]["effect"]
    assert table[-1]["reference"] == "r2" and table[-1]["entity_id"] == ""


def test_xlsx_output(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "out.xlsx"
    writer = Writer("xlsx", None, path)
    writer.write(RowResult(1, "r", "n"))
    writer.close()
    rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].values)
    assert rows[0] == CSV_COLUMNS and rows[1][:3] == (1, "r", "n")


def test_unknown_format_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        detect_format(tmp_path / "x.doc")


@given(st.text(max_size=14))
def test_birth_date_parser_accepts_or_raises_input_error(value: str) -> None:
    try:
        parsed = parse_birth_date(value)
    except InputError:
        return
    assert parsed == "" or value.strip().startswith(parsed)


def test_birth_date_forms() -> None:
    assert parse_birth_date("1970") == "1970"
    assert parse_birth_date("1970-03-01T00:00:00") == "1970-03-01"
    with pytest.raises(InputError):
        parse_birth_date("01/03/1970")


@pytest.mark.parametrize("workers", [1, 2])
def test_repeated_queries_get_the_first_rows_result(screener: Screener, workers: int) -> None:
    names = ["Muammar Qaddafi", "Hikvision Trading", "Nobody", "", "Muammar Qaddafi"]
    rows = [
        {"name": n, "reference": f"r{i}", "country": "ly" if i % 10 == 0 else ""}
        for i, n in enumerate(names * 30)
    ]
    kept = BatchOptions(workers=workers, chunk_size=7, repeats_kept=3)
    fresh = BatchOptions(workers=workers, chunk_size=7, repeats_kept=0)
    reused = [r.to_dict() for r in run_batch(screener, rows, kept)]
    assert reused == [r.to_dict() for r in run_batch(screener, rows, fresh)]
    assert [r["reference"] for r in reused] == [f"r{i}" for i in range(150)]
    assert reused[0]["matches"] and reused[4]["matches"] == reused[0]["matches"]
    assert "no name" in reused[3]["error"] and "no name" in reused[148]["error"]


def test_repeated_rows_are_screened_once(screener: Screener, monkeypatch) -> None:
    screened: list[str] = []
    search = screener.search

    def counting(query, **kwargs):  # type: ignore[no-untyped-def]
        screened.append(query.name)
        return search(query, **kwargs)

    monkeypatch.setattr(screener, "search", counting)
    rows = [{"name": n, "reference": str(i)} for i, n in enumerate(["A One", "B Two"] * 10)]
    rows.append({"name": "A One", "country": "ly"})  # another query: screened
    results = list(run_batch(screener, rows, BatchOptions(chunk_size=3)))
    assert screened == ["A One", "B Two", "A One"] and len(results) == 21


def test_screening_makes_no_reference_cycles() -> None:
    # batch workers run with the garbage collector off: that is only safe while screening
    # leaves no cycles behind, whatever the rows (matches, misses, other scripts, bad values)
    from clearance.match.scorer import Matcher

    real = Screener(build_index(ENTITIES, "s1"), Matcher())
    names = ["Muammar Qaddafi", "Hikvision", "海康威视", "Иван Петров", "محمد", "", "Someone3"]
    rows = [
        {"name": n, "birth_date": "1999-02-30" if i % 5 == 0 else "1970", "reference": str(i)}
        for i, n in enumerate(names * 4)
    ]
    options = BatchOptions(repeats_kept=0)
    # the dictionaries of each script loaded once, by other names: the names above stay new
    warm = ["Muammar Gaddafi", "Hikvision Digital", "海康", "Пётр Иванов", "علي", "Someone4"]
    screen_chunk(real, list(enumerate({"name": n} for n in warm)), options)
    gc.collect()
    gc.disable()
    try:
        results = screen_chunk(real, list(enumerate(rows)), options)
        assert any(r.matches for r in results) and any(r.error for r in results)
        assert gc.collect() == 0
    finally:
        gc.enable()
