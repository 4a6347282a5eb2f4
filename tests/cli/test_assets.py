"""`clearance assets screen` through the real entry point: the IEEE fixture registries, the
bundled lists, and an ownership file that ties a registered company to a listed maker."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl
import orjson
import pytest

from clearance.settings import Settings
from clearance.sources.ieee import IeeeOuiSource
from tests.cli.helpers import invoke
from tests.exposure.helpers import load_small

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INVENTORY = """reference,mac,manufacturer,brand,model,description
cam-1,18:68:CB:00:11:22,,,,
cam-2,,HIKVISION,,,
cam-3,,,EZVIZ,,
cam-4,,,,DS-2CD2143G2-I,
nas-1,00:03:93:AA:BB:CC,Apple,,,
x-1,1A:00:00:00:00:01,,,,
lab-1,C4-04-D8-01-02-03,,,,
"""


@pytest.fixture
def home(home: Path, tmp_path: Path) -> Path:
    load_small(Settings(home=home), IeeeOuiSource(), FIXTURES / "ieee")
    (tmp_path / "inventory.csv").write_text(INVENTORY)
    return home


def test_jsonl(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = invoke(capsys, "assets", "screen", str(tmp_path / "inventory.csv"))
    assert code == 0 and "7 assets screened: 4 made by listed makers, 1 with warnings" in err
    results = {r["reference"]: r for r in map(orjson.loads, out.splitlines())}
    assert list(results) == ["cam-1", "cam-2", "cam-3", "cam-4", "nas-1", "x-1", "lab-1"]
    hik = "us-ndaa-889:hangzhou-hikvision-digital-technology"
    for ref, kind in (("cam-1", "mac"), ("cam-2", "manufacturer"), ("cam-3", "brand")):
        found = {f["entity_id"]: f for f in results[ref]["findings"]}
        assert found[hik]["lists"] == ["NDAA-889"]
        assert found[hik]["effect"]["code"] == "ndaa-889-procurement-ban"
        assert found[hik]["evidence"][0]["kind"] == kind
    assert results["cam-4"]["findings"][0]["evidence"][0]["kind"] == "model"
    assert results["nas-1"]["findings"] == [] and results["nas-1"]["warnings"] == []
    assert "locally administered" in results["x-1"]["warnings"][0]
    assert results["lab-1"]["findings"] == []


def test_a_company_the_ownership_graph_ties_to_a_maker(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    links = tmp_path / "links.csv"
    links.write_text(
        "owner,owned,share\nus-ndaa-889:hangzhou-hikvision-digital-technology,Aviva Links Inc.,60\n"
    )
    assert invoke(capsys, "ownership", "import", str(links))[0] == 0
    code, out, _ = invoke(capsys, "assets", "screen", str(tmp_path / "inventory.csv"))
    assert code == 0
    lab = next(r for r in map(orjson.loads, out.splitlines()) if r["reference"] == "lab-1")
    [finding] = lab["findings"]
    assert finding["entity_id"] == "us-ndaa-889:hangzhou-hikvision-digital-technology"
    [evidence] = finding["evidence"]
    assert evidence["organization"] == "Aviva Links Inc."
    [link] = evidence["family"]
    assert (link["owns"], link["share"], link["source"]) == ("Aviva Links Inc.", 60.0, "user:links")


def test_csv_and_xlsx(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(
        capsys, "assets", "screen", str(tmp_path / "inventory.csv"), "--format", "csv"
    )
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    cam = [r for r in table if r["reference"] == "cam-1"]
    assert {r["entity_id"] for r in cam} == {
        "us-ndaa-889:hangzhou-hikvision-digital-technology",
        "us-fcc-covered:hangzhou-hikvision-digital-technology",
        "us-dod-1260h:hangzhou-hikvision-digital-technology",
    }
    assert cam[0]["evidence"].startswith("mac 18:68:CB:00:11:22 (MA-L 1868CB: Hangzhou Hikvision")
    assert [r["entity_id"] for r in table if r["reference"] == "nas-1"] == [""]
    out_path = tmp_path / "found.xlsx"
    code, _, _ = invoke(
        capsys, "assets", "screen", str(tmp_path / "inventory.csv"), "--out", str(out_path)
    )
    assert code == 0
    book = openpyxl.load_workbook(out_path, read_only=True)
    lines = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert lines[0][:3] == ("row", "reference", "entity_id") and len(lines) == len(table) + 1


def test_column_options_and_missing_registries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in [k for k in os.environ if k.startswith("CLEARANCE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("CLEARANCE_HOME", str(tmp_path / "empty"))
    inventory = tmp_path / "inv.csv"
    inventory.write_text("tag,hw\nt1,18:68:CB:00:11:22\n")
    code, out, _ = invoke(
        capsys, "assets", "screen", str(inventory), "--reference-column", "tag",
        "--mac-column", "hw",
    )  # fmt: skip
    assert code == 0
    [result] = map(orjson.loads, out.splitlines())
    assert result["reference"] == "t1" and result["findings"] == []
    assert "IEEE registries are not loaded" in result["warnings"][0]
