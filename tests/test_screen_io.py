"""Batch screening: input formats, row errors, output shapes, worker pool in input order."""

from __future__ import annotations

import csv
import gc
import io
from pathlib import Path

import orjson
import pytest

from clearance.errors import InputError
from clearance.index import build_index
from clearance.queries import from_row
from clearance.screen import Screener
from clearance.screen_batch import BatchOptions, RowResult, run_batch, screen_chunk
from clearance.screen_io import (
    CSV_COLUMNS,
    Writer,
    detect_format,
    open_rows,
    output_format,
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
    source = open_rows(path, detect_format(path))
    assert "name" in source.columns and "reference" in source.columns
    rows = list(source)
    assert [r.get("reference") for r in rows] == ["r1", "r2", "r3", "r4", "r5"]
    query = from_row(rows[0]).query
    assert (query.name, query.schema, query.country) == ("Muammar Qaddafi", "Person", ("ly",))
    assert from_row(rows[3]).query.identifiers == ("A1", "B2")
    assert from_row(rows[4]).query.country == ("cn",)


def test_bad_values_are_warnings_and_only_a_missing_name_is_an_error(screener: Screener) -> None:
    results = list(run_batch(screener, ROWS, BatchOptions()))
    assert [r.row for r in results] == [1, 2, 3, 4, 5]
    assert results[0].matches[0]["entity_id"] == "test:2" and not results[0].error
    assert "no name" in results[1].error and not results[1].matches
    # an impossible day keeps the year and month, and the name is screened
    assert not results[2].error and results[2].matches
    assert results[2].warnings == ["date '1999-02-30' has no real day: only 1999-02 is used"]
    assert results[3].matches == [] and not results[3].error and not results[3].warnings
    # a country written as a name is read as its code: no warning, no error
    assert not results[4].error and not results[4].warnings and results[4].matches


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


# -- input files as people have them --------------------------------------------------------


def test_a_windows_1252_file_is_refused_up_front_unless_its_encoding_is_given(
    tmp_path: Path,
) -> None:
    path = tmp_path / "vendors.csv"
    path.write_bytes("name,reference\nSociété Générale,1\nMüller GmbH,2\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"not UTF-8 text \(line 2, byte 0xe9\).*--encoding"):
        open_rows(path, "csv")
    rows = list(open_rows(path, "csv", "cp1252"))
    assert [r["name"] for r in rows] == ["Société Générale", "Müller GmbH"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_read_in_its_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes("name,reference\nΑθήνα Ναυτιλιακή,1\n".encode(encoding))
    assert [r["name"] for r in open_rows(path, "csv")] == ["Αθήνα Ναυτιλιακή"]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_bytes('{"name": "Αθήνα Ναυτιλιακή"}\n'.encode(encoding))
    assert [r["name"] for r in open_rows(jsonl, "jsonl")] == ["Αθήνα Ναυτιλιακή"]


def test_files_that_are_not_what_they_say_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    with pytest.raises(InputError, match="not a text file"):
        open_rows(binary, "csv")
    workbook = write_inputs(tmp_path)["xlsx"]
    with pytest.raises(InputError, match="cannot be read as a Parquet file"):
        open_rows(workbook, "parquet")
    with pytest.raises(InputError, match="cannot be read as an XLSX workbook"):
        open_rows(binary, "xlsx")
    with pytest.raises(InputError, match="is empty"):
        (tmp_path / "empty.csv").write_text("")
        open_rows(tmp_path / "empty.csv", "csv")


def test_a_file_without_the_name_column_is_refused_naming_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("supplier,cc\nAcme,de\n")
    source = open_rows(path, "csv")
    with pytest.raises(InputError, match=r"no name column 'name'.*'supplier', 'cc'.*--name-column"):
        source.require(("name",))
    source.require(("supplier",))


def test_an_oversized_csv_field_is_a_row_error_and_the_file_goes_on(
    tmp_path: Path, screener: Screener
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f"name,reference\nMuammar Qaddafi,1\n{'x' * 1_100_000},2\nNobody,3\n")
    results = list(run_batch(screener, open_rows(path, "csv"), BatchOptions()))
    assert [r.row for r in results] == [1, 2, 3]
    assert results[0].matches and "field larger than field limit" in results[1].error
    assert not results[2].error


def test_a_name_over_the_bounds_is_a_row_error(screener: Screener) -> None:
    rows = [{"name": "x " * 600, "reference": "long"}, {"name": "Muammar Qaddafi"}]
    results = list(run_batch(screener, rows, BatchOptions()))
    assert "longer than the 1,000 screened" in results[0].error and results[1].matches


def test_output_format_comes_from_the_suffix_or_is_refused(tmp_path: Path) -> None:
    assert output_format(tmp_path / "hits.parquet", None) == "parquet"
    assert output_format(tmp_path / "hits.CSV", None) == "csv"
    assert output_format(None, None) == "jsonl"
    with pytest.raises(InputError, match=r"Cannot tell the output format from hits\.txt2"):
        output_format(tmp_path / "hits.txt2", None)


def test_parquet_output_has_the_table_columns(tmp_path: Path, screener: Screener) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "hits.parquet"
    writer = Writer("parquet", None, path)
    for result in run_batch(screener, ROWS, BatchOptions()):
        writer.write(result)
    writer.close()
    table = pq.read_table(path).to_pylist()
    assert tuple(table[0]) == CSV_COLUMNS
    assert table[0]["entity_id"] == "test:2" and table[0]["score"] > 0.8
    assert [line["row"] for line in table if line["error"]] == [2]
    assert table[[line["row"] for line in table].index(3)]["warnings"].startswith("date")


def test_csv_output_carries_the_warnings(screener: Screener) -> None:
    out = io.StringIO()
    writer = Writer("csv", out)
    for result in run_batch(screener, ROWS[2:3], BatchOptions()):
        writer.write(result)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert table[0]["warnings"] == "date '1999-02-30' has no real day: only 1999-02 is used"
