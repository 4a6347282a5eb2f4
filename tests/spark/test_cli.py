"""``clearance screen IN --engine spark``: the file ``clearance screen`` writes, byte for byte,
from the same input, read by Spark in local mode."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli.helpers import invoke
from tests.spark.rows import COLUMNS, rows


@pytest.fixture
def home(spark_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in [k for k in os.environ if k.startswith("CLEARANCE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("CLEARANCE_HOME", str(spark_home))
    return spark_home


def _both(capsys: pytest.CaptureFixture[str], tmp_path: Path, source: Path, *args: str
          ) -> tuple[bytes, bytes]:  # fmt: skip
    """The output of the batch engine and of Spark (the same summary line on stderr)."""
    fmt = args[args.index("--format") + 1] if "--format" in args else "jsonl"
    outputs = []
    summaries = []
    for engine in ("builtin", "spark"):
        target = tmp_path / f"{engine}-{source.stem}.{fmt}"
        code, _, err = invoke(capsys, "screen", str(source), "--out", str(target), "--engine",
                              engine, "--master", "local[2]", *args)  # fmt: skip
        assert code == 0, err
        outputs.append(target.read_bytes())
        summaries.append(err.strip().splitlines()[-1])
    assert summaries[0] == summaries[1]
    return outputs[0], outputs[1]


def _write_csv(path: Path, encoding: str = "utf-8-sig") -> None:
    """The test rows as a spreadsheet might save them: a byte-order mark, a padded header,
    quoted fields spanning lines, doubled quotes, rows of blanks, padded values."""
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow([" reference ", *COLUMNS[1:], "vendor"])
        for i, row in enumerate(rows(2)):
            values = ["" if row[c] is None else row[c] for c in COLUMNS]
            writer.writerow([*values, f'  Vendor "{i}",\nsecond line  '])
            if i % 9 == 4:
                writer.writerow(["", " ", "\t", "", "", "", ""])
                fh.write("\r\n")
        writer.writerow(["last", "Müller Stahl GmbH", "Company", "Deutschland", "", "", ""])


@pytest.mark.parametrize("out_format", ["jsonl", "csv"])
def test_a_csv_file_screened_on_spark_gives_the_same_file(
    spark: Any, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], out_format: str
) -> None:
    source = tmp_path / "in.csv"
    _write_csv(source)
    builtin, on_spark = _both(capsys, tmp_path, source, "--format", out_format)
    assert builtin == on_spark
    if out_format == "jsonl":
        lines = [orjson.loads(line) for line in on_spark.splitlines()]
        assert [x["row"] for x in lines] == list(range(1, len(rows(2)) + 2))
        assert lines[-1]["reference"] == "last"


def test_columns_encoding_and_sources_apply_on_spark(
    spark: Any, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "latin1.csv"
    with source.open("w", newline="", encoding="latin-1") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ref", "supplier", "cc"])
        writer.writerow(["1", "EXAMPLE TRADING CO LTD", "Türkiye"])
        writer.writerow(["2", "Hangzhou Hikvision Digital Technology", "CN"])
        writer.writerow(["3", "Société Générale Côte d'Ivoire", "CI"])
    args = ("--encoding", "latin-1", "--name-column", "supplier", "--reference-column", "ref",
            "--country-column", "cc", "--source", "us-ofac-sdn")  # fmt: skip
    builtin, on_spark = _both(capsys, tmp_path, source, *args)
    assert builtin == on_spark
    lines = [orjson.loads(line) for line in on_spark.splitlines()]
    assert lines[0]["matches"] and not lines[1]["matches"]  # Hikvision: not on the SDN fixture
    assert lines[2]["name"] == "Société Générale Côte d'Ivoire"


def test_a_parquet_file_screened_on_spark_gives_the_same_file(
    spark: Any, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.parquet"
    data = rows(2)
    pq.write_table(pa.Table.from_pylist(data), source, row_group_size=7)
    builtin, on_spark = _both(capsys, tmp_path, source)
    assert builtin == on_spark
    assert len(on_spark.splitlines()) == len(data)


def test_the_spark_engine_refuses_what_it_cannot_read(
    spark: Any, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"name": "Anna Testova"}\n', encoding="utf-8")
    code, _, err = invoke(capsys, "screen", str(source), "--engine", "spark")
    assert code == 2 and "reads CSV and Parquet, not jsonl" in err
    other = tmp_path / "other.csv"
    other.write_text("supplier\nAnna Testova\n", encoding="utf-8")
    code, _, err = invoke(capsys, "screen", str(other), "--engine", "spark")
    assert code == 2 and "no name column 'name'" in err and "'supplier'" in err
    windows = tmp_path / "cp1252.csv"
    windows.write_bytes("name\nCôte d\u2019Ivoire\n".encode("cp1252"))
    code, _, err = invoke(capsys, "screen", str(windows), "--engine", "spark", "--encoding",
                          "cp1252")  # fmt: skip
    assert code == 2 and "not cp1252: convert the file to UTF-8" in err
