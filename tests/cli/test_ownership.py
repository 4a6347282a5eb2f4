"""`clearance ownership import|show`, and ownership findings in `search` and `screen`: in-process
through the real entry point, on a store with the SDN fixture and the bundled lists."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest

from clearance.exposure import open_screener
from clearance.settings import Settings
from clearance.sources.ofac import SdnSource
from tests.cli.helpers import invoke
from tests.exposure.helpers import load_small

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

LINKS = """owner,owned,share,as_of,source
us-ofac-sdn:1002,Northwind Holding Ltd,60,2024-01-01,registry extract
Northwind Holding Ltd,Northwind Components GmbH,100,,annual report 2024
us-ofac-sdn:1005,Northwind Components GmbH,10,,
Hikvision,Prama Hikvision India Private Limited,,,
Northwind Holding Ltd,Harbour Leasing SA,35,2024-01-01,
us-ofac-sdn:1002,Harbour Leasing SA,20,2024-01-01,
Exampel Trading Co,Some Subsidiary Ltd,80,,
us-ofac-sdn:999999,Another Ltd,50,,
Northwind Holding Ltd,Northwind Holding Ltd,50,,
book:ACME-7,Northwind Components GmbH,5,,
us-ofac-sdn:1002,Lonely Ltd,ten percent,,
"""


@pytest.fixture
def home(home: Path, tmp_path: Path) -> Path:
    load_small(Settings(home=home), SdnSource(), FIXTURES / "ofac" / "sdn-csv")
    links = tmp_path / "links.csv"
    links.write_text(LINKS)
    return home


def test_import_reports_each_row_it_cannot_use(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = invoke(capsys, "ownership", "import", str(tmp_path / "links.csv"), "--json")
    assert code == 0
    report = orjson.loads(out)
    assert (report["name"], report["rows"], report["links"]) == ("links", 11, 6)
    problems = {p["row"]: p for p in report["problems"]}
    assert sorted(problems) == [7, 8, 9, 10, 11]
    # an ambiguous name is reported with its candidates, not guessed
    assert "not clearly one of them" in problems[7]["message"]
    assert problems[7]["candidates"][0]["entity_id"] == "us-ofac-sdn:1002"
    assert "no entity us-ofac-sdn:999999" in problems[8]["message"]
    assert "cannot own itself" in problems[9]["message"]
    assert "monitoring book" in problems[10]["message"]
    assert "not a percentage" in problems[11]["message"]
    # Hikvision is on three bundled lists: one party, all three entries
    assert report["parties"] == 4  # Northwind Holding, Components, Prama, Harbour Leasing


def test_search_reports_what_a_party_takes_through_its_owners(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(capsys, "ownership", "import", str(tmp_path / "links.csv"))
    code, out, _ = invoke(
        capsys, "search", "Northwind Components", "--json", "--as-of", "2025-06-01"
    )
    assert code == 0
    [match] = orjson.loads(out)["matches"]
    assert match["entity_id"] == "ownership:northwind-components-gmbh"
    assert match["lists"] == []
    [finding] = match["findings"]
    assert finding["basis"] == "ownership"
    assert (finding["rule"], finding["status"], finding["as_of"]) == (
        "ofac-50-percent",
        "in-force",
        "2025-06-01",
    )
    assert finding["effect"]["code"] == "blocking"
    # the holding's 100% counts in full (it is blocked itself); the 10% of another SDN adds up
    assert finding["share"] == 110.0
    assert [(o["entity_id"], o["share"]) for o in finding["owners"]] == [
        ("ownership:northwind-holding-ltd", 100.0),
        ("us-ofac-sdn:1005", 10.0),
    ]
    chains = [[(x["owner"], x["owned"], x["share"]) for x in chain] for chain in finding["via"]]
    assert [
        ("us-ofac-sdn:1002", "ownership:northwind-holding-ltd", 60.0),
        ("ownership:northwind-holding-ltd", "ownership:northwind-components-gmbh", 100.0),
    ] in chains


def test_the_day_decides(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before the holding's 60% is known, nothing is derived, and a party on no list that takes
    nothing is no match."""
    invoke(capsys, "ownership", "import", str(tmp_path / "links.csv"))
    code, out, _ = invoke(
        capsys, "search", "Northwind Components", "--json", "--as-of", "2023-06-01"
    )
    assert code == 0 and orjson.loads(out)["matches"] == []
    code, out, _ = invoke(capsys, "search", "Harbour Leasing", "--as-of", "2024-02-01")
    assert "OFAC 50 Percent Rule (in-force" in out and "55%" in out
    code, _, err = invoke(capsys, "search", "Harbour Leasing", "--as-of", "June")
    assert code == 2 and "not a date" in err


def test_a_listed_party_keeps_its_own_hit(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An SDN-listed company owned by another SDN: its own listing, nothing derived."""
    links = tmp_path / "listed.csv"
    links.write_text("owner,owned,share\nus-ofac-sdn:1002,us-ofac-sdn:1005,100\n")
    invoke(capsys, "ownership", "import", str(links))
    code, out, _ = invoke(capsys, "search", "EXAMPLE SECURITIES JSC", "--json")
    assert code == 0
    [match] = [m for m in orjson.loads(out)["matches"] if m["entity_id"] == "us-ofac-sdn:1005"]
    assert match["lists"] == ["SDN"] and "findings" not in match


def test_screen_writes_findings_in_every_format(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(capsys, "ownership", "import", str(tmp_path / "links.csv"))
    rows = tmp_path / "parties.csv"
    rows.write_text("reference,name\nv1,Northwind Components GmbH\nv2,Unrelated Bakery\n")
    code, out, _ = invoke(capsys, "screen", str(rows), "--workers", "1", "--as-of", "2025-01-01")
    assert code == 0
    results = [orjson.loads(line) for line in out.splitlines()]
    assert results[0]["matches"][0]["findings"][0]["rule"] == "ofac-50-percent"
    assert results[1]["matches"] == []
    code, out, _ = invoke(capsys, "screen", str(rows), "--workers", "1", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert table[0]["ownership"].startswith("ofac-50-percent (in-force): SDN blocking, 110%")
    assert table[1]["ownership"] == ""


def test_show(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    invoke(capsys, "ownership", "import", str(tmp_path / "links.csv"))
    code, out, _ = invoke(capsys, "ownership", "show", "Northwind Holding Ltd", "--json")
    assert code == 0
    data = orjson.loads(out)
    assert data["entity_id"] == "ownership:northwind-holding-ltd"
    assert [o["entity_id"] for o in data["owners"]] == ["us-ofac-sdn:1002"]
    assert data["owners"][0]["lists"] == ["SDN"]
    assert data["owners"][0]["source"] == "user:links"
    assert {o["entity_id"] for o in data["owned"]} == {
        "ownership:northwind-components-gmbh",
        "ownership:harbour-leasing-sa",
    }
    assert data["findings"][0]["effect"]["code"] == "blocking"
    code, out, _ = invoke(capsys, "ownership", "show", "us-ofac-sdn:1002")
    assert "EXAMPLE TRADING CO., LTD. (us-ofac-sdn:1002)  lists: SDN" in out
    assert "60%  Northwind Holding Ltd (ownership:northwind-holding-ltd)" in out
    code, _, err = invoke(capsys, "ownership", "show", "Nobody Anywhere Ltd")
    assert code == 6 and "nothing to show" in err


def test_hikvision_named_by_name_is_one_party_on_three_lists(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(capsys, "ownership", "import", str(tmp_path / "links.csv"))
    code, out, _ = invoke(
        capsys, "ownership", "show", "Prama Hikvision India Private Limited", "--json"
    )
    assert code == 0
    data = orjson.loads(out)
    [owner] = data["owners"]
    assert set(owner["lists"]) == {"NDAA-889", "FCC-COVERED", "DOD-1260H"}
    assert owner["share"] is None


def test_a_reimport_replaces_the_links_of_its_name(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(capsys, "ownership", "import", str(tmp_path / "links.csv"))
    smaller = tmp_path / "links.csv"
    smaller.write_text("owner,owned,share\nus-ofac-sdn:1002,Northwind Holding Ltd,40\n")
    invoke(capsys, "ownership", "import", str(smaller))
    code, out, _ = invoke(capsys, "search", "Northwind Holding Ltd", "--json")
    assert code == 0 and orjson.loads(out)["matches"] == []
    screener = open_screener(Settings(home=home))
    assert screener.annotator is not None
