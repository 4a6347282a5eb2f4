"""`clearance compare`: one pair explained, or a CSV of pairs streamed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clearance.cli import cli


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CLEARANCE_HOME", str(tmp_path / "home"))
    return CliRunner()


def test_compare_two_names_explains(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["compare", "Muammar Qadhafi", "GADDAFI, Moammar", "--schema", "Person"]
    )
    assert result.exit_code == 0, result.output
    assert "MATCH" in result.output
    assert "gaddafi" in result.output


def test_compare_json(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["compare", "John Smith", "James Smith", "--json", "--profile", "strict"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["match"] is False
    assert data["profile"] == "strict"
    assert data["features"][0]["name"] == "name"


def test_compare_pairs_file(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(
        "name1,name2,schema,ref\n"
        "Hik Vision,Hikvision,Company,a\n"
        "John Smith,James Smith,Person,b\n"
        ",nobody,,c\n"
        "Acme,Acme,Spaceship,d\n"
        "ACME LLC,Acme Limited,,e\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["compare", "--pairs", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["ref"] for r in rows] == ["a", "b", "c", "d", "e"]
    assert [r["match"] for r in rows] == ["true", "false", "", "", "true"]
    assert rows[2]["error"] and rows[3]["error"]
    assert float(rows[0]["score"]) >= float(rows[1]["score"])


def test_compare_pairs_to_stdout_and_bad_header(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text("name1,name2\nBill Gates,William Gates\n", encoding="utf-8")
    result = runner.invoke(cli, ["compare", "--pairs", str(source)])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].endswith(",true,")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\nx,y\n", encoding="utf-8")
    result = runner.invoke(cli, ["compare", "--pairs", str(bad)])
    assert result.exit_code != 0


def test_compare_needs_two_names(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["compare", "only one"])
    assert result.exit_code != 0
