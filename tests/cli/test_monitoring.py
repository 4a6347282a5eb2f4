"""`clearance book`, `alerts`, `audit`, `evidence`, `webhooks` and `monitor`, in-process through
the real entry point, on a store with the SDN fixture and the bundled lists; and a list load that
re-screens the book."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import orjson
import pytest

from clearance.settings import Settings
from clearance.sources.ofac import SdnSource
from tests.cli.helpers import invoke
from tests.exposure.helpers import load_small

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

BOOK = """reference,name,schema,country,birth_date,vat
V-1,Anna Petrovna Testova,Person,ru,1960-01-01,
V-2,Example Trading Co Ltd,Company,tr,,TR123
V-3,Acme Widgets GmbH,Company,de,,DE999
V-2,Example Trading again,Company,,,
V-4,,Company,,,
"""


@pytest.fixture
def home(home: Path, tmp_path: Path) -> Path:
    load_small(Settings(home=home), SdnSource(), FIXTURES / "ofac" / "sdn-csv")
    (tmp_path / "book.csv").write_text(BOOK)
    return home


def json_of(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    code, out, err = invoke(capsys, *args)
    assert code == 0, err
    return orjson.loads(out)


def test_book_alerts_and_decisions(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json_of(capsys, "book", "import", str(tmp_path / "book.csv"), "--json",
                     "--workers", "1")  # fmt: skip
    assert isinstance(report, dict)
    assert (report["added"], report["errors"], report["screened"]) == (3, 2, 3)
    assert [(e["row"], e["reference"]) for e in report["row_errors"]] == [(4, "V-2"), (5, "V-4")]
    listed = json_of(capsys, "book", "list", "--json")
    assert isinstance(listed, dict) and listed["total"] == 3
    shown = json_of(capsys, "book", "show", "V-2", "--json")
    assert isinstance(shown, dict) and shown["data"]["extra"] == {"vat": "TR123"}
    alerts = json_of(capsys, "alerts", "--json")
    assert isinstance(alerts, list)
    by_party = {a["party"]: a for a in alerts}
    assert by_party["V-1"]["entity_id"] == "us-ofac-sdn:1001"
    assert by_party["V-2"]["entity_id"] == "us-ofac-sdn:1002"
    assert set(by_party["V-1"]) >= {"id", "party", "entity_id", "source", "source_id", "lists",
                                     "effect", "score", "explanation", "version", "opened",
                                     "reason", "state", "decisions"}  # fmt: skip
    code, out, _ = invoke(capsys, "alerts", "--jsonl", "--party", "V-1")
    assert code == 0 and len(out.splitlines()) == 1
    alert_id = str(by_party["V-2"]["id"])
    why = "other company, other registration"
    decided = json_of(capsys, "alerts", "decide", alert_id, "--as", "false-positive",
                      "--reason", why, "--by", "ann", "--json")  # fmt: skip
    assert isinstance(decided, dict) and decided["state"] == "false-positive"
    assert decided["decisions"][0]["by"] == "ann"
    assert json_of(capsys, "alerts", "--state", "false-positive", "--json") == [decided]
    code, _, err = invoke(capsys, "alerts", "decide", alert_id, "--as", "escalated", "--reason",
                          "")  # fmt: skip
    assert code == 2 and "reason" in err


def test_four_eyes_on_the_command_line(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_FOUR_EYES", "1")
    invoke(capsys, "book", "import", str(tmp_path / "book.csv"), "--workers", "1")
    (alert,) = json_of(capsys, "alerts", "--party", "V-1", "--json")  # type: ignore[misc]
    alert_id = str(alert["id"])
    code, _, err = invoke(capsys, "alerts", "decide", alert_id, "--as", "true-match", "--reason",
                          "same DOB", "--by", "ann")  # fmt: skip
    assert code == 7 and "escalate" in err
    invoke(capsys, "alerts", "decide", alert_id, "--as", "escalated", "--reason", "DOB", "--by",
           "ann")  # fmt: skip
    code, _, err = invoke(capsys, "alerts", "decide", alert_id, "--as", "true-match", "--reason",
                          "same DOB", "--by", "ANN")  # fmt: skip
    assert code == 7 and "another person" in err
    code, out, _ = invoke(capsys, "alerts", "decide", alert_id, "--as", "true-match", "--reason",
                          "same DOB", "--by", "rob")  # fmt: skip
    assert code == 0 and "true-match" in out


def test_the_audit_chain_on_the_command_line(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(capsys, "book", "import", str(tmp_path / "book.csv"), "--workers", "1")
    invoke(capsys, "search", "Example Trading")
    records = json_of(capsys, "audit", "--party", "V-2", "--json")
    assert isinstance(records, list)
    assert [r["kind"] for r in records] == ["screening.book", "alert.opened"]
    cli = json_of(capsys, "audit", "--kind", "screening.cli", "--json")
    assert isinstance(cli, list) and cli[-1]["data"]["command"] == "search"
    code, out, _ = invoke(capsys, "audit", "head")
    _seq, digest = out.split()
    code, out, _ = invoke(capsys, "audit", "verify", "--head", digest)
    assert code == 0 and "intact" in out
    with sqlite3.connect(home / "clearance.sqlite3") as conn:
        edit = "UPDATE audit_chain SET data = replace(data, 'Example', 'Exemplary') WHERE seq = ?"
        conn.execute(edit, (records[0]["seq"],))
    code, out, _ = invoke(capsys, "audit", "verify")
    assert code == 9 and f"broken at record {records[0]['seq']}" in out


def test_alert_filters_on_the_command_line(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command takes the filters of the API's /alerts and the web queue, and selects as
    they do (the same service query)."""
    invoke(capsys, "book", "import", str(tmp_path / "book.csv"), "--workers", "1")
    every = json_of(capsys, "alerts", "--json")
    assert isinstance(every, list) and len(every) >= 2
    scores = sorted(a["score"] for a in every)
    high = json_of(capsys, "alerts", "--min-score", str(scores[-1]), "--json")
    assert isinstance(high, list) and {a["score"] for a in high} == {scores[-1]}
    by_score = json_of(capsys, "alerts", "--order", "score", "--json")
    assert isinstance(by_score, list)
    assert [a["score"] for a in by_score] == sorted(scores, reverse=True)
    assert json_of(capsys, "alerts", "--source", "us-ofac-sdn", "--json") == every
    assert json_of(capsys, "alerts", "--source", "un-sc", "--json") == []
    assert json_of(capsys, "alerts", "--newer-than", "1", "--json") == every
    assert json_of(capsys, "alerts", "--older-than", "1", "--json") == []
    assert json_of(capsys, "alerts", "--state", "open,escalated", "--json") == every
    code, _, err = invoke(capsys, "alerts", "--state", "opened")
    assert code != 0 and "opened" in err


def test_the_audit_command_shows_the_latest_records(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(capsys, "book", "import", str(tmp_path / "book.csv"), "--workers", "1")
    every = json_of(capsys, "audit", "--json")
    assert isinstance(every, list) and len(every) > 3
    latest = json_of(capsys, "audit", "--limit", "2", "--json")
    assert latest == every[-2:]


def test_evidence_page(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    invoke(capsys, "book", "import", str(tmp_path / "book.csv"), "--workers", "1")
    (alert,) = json_of(capsys, "alerts", "--party", "V-1", "--json")  # type: ignore[misc]
    invoke(capsys, "alerts", "decide", str(alert["id"]), "--as", "escalated", "--reason",
           "passport to be checked", "--by", "ann")  # fmt: skip
    out_path = tmp_path / "evidence.html"
    code, _, err = invoke(capsys, "evidence", "V-1", "--out", str(out_path))
    assert code == 0, err
    page = out_path.read_text(encoding="utf-8")
    assert "TESTOVA, Anna Petrovna" in page and "passport to be checked" in page
    assert "us-ofac-sdn" in page and f"#{alert['chain_seq']}" in page
    # self-contained: no script, nothing fetched
    assert "<script" not in page and "src=" not in page and "href=" not in page
    code, _, err = invoke(capsys, "evidence", "NOPE", "--out", str(out_path))
    assert code == 6 and "NOPE" in err


def test_a_list_load_rescreens_the_book(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(capsys, "book", "import", str(tmp_path / "book.csv"), "--workers", "1")
    changed = tmp_path / "sdn"
    shutil.copytree(FIXTURES / "ofac" / "sdn-csv", changed)
    for name in ("SDN.CSV", "ADD.CSV", "ALT.CSV"):  # Example Trading delisted
        path = changed / name
        lines = path.read_text(encoding="cp1252").splitlines(keepends=True)
        path.write_text("".join(x for x in lines if not x.startswith("1002,")), encoding="cp1252")
    sdn = changed / "SDN.CSV"
    added = '1007,"ACME WIDGETS GMBH",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Germany."\r\n'
    sdn.write_text(added + sdn.read_text(encoding="cp1252"), encoding="cp1252")
    report = json_of(capsys, "load", "us-ofac-sdn", str(changed), "--force", "--json")
    assert isinstance(report, dict) and report["status"] == "imported"
    monitor = report["monitor"]
    assert monitor["status"] == "rescreened" and monitor["rescreened"] < 3
    states = {(a["party"], a["entity_id"]): (a["state"], a["reason"])
              for a in json_of(capsys, "alerts", "--json")}  # type: ignore[union-attr]  # fmt: skip
    assert states[("V-2", "us-ofac-sdn:1002")] == ("delisted", "initial")
    assert states[("V-3", "us-ofac-sdn:1007")] == ("open", "new-listing")
    cycle = json_of(capsys, "monitor", "--no-update", "--json")
    assert isinstance(cycle, dict) and cycle["monitor"]["status"] == "unchanged"


def test_book_parties_in_ownership_files(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(capsys, "book", "import", str(tmp_path / "book.csv"), "--workers", "1")
    links = tmp_path / "links.csv"
    links.write_text("owner,owned,share\nus-ofac-sdn:1002,book:V-3,60\nbook:NOPE,book:V-3,5\n")
    report = json_of(capsys, "ownership", "import", str(links), "--json")
    assert isinstance(report, dict) and report["links"] == 1
    assert "no party 'NOPE'" in report["problems"][0]["message"]
    found = json_of(capsys, "search", "Acme Widgets GmbH", "--json")
    assert isinstance(found, dict)
    (match,) = [m for m in found["matches"] if m["entity_id"].startswith("ownership:")]
    assert match["findings"][0]["rule"] == "ofac-50-percent"


def test_webhooks_on_the_command_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(capsys, "webhooks", "add", "http://127.0.0.1:9/hook", "--events",
                          "alert.opened,alert.decided")  # fmt: skip
    assert code == 0 and out.splitlines()[-1].startswith("whsec_")
    (hook,) = json_of(capsys, "webhooks", "list", "--json")  # type: ignore[misc]
    assert hook["events"] == ["alert.opened", "alert.decided"] and "secret" not in hook
    code, _, err = invoke(capsys, "webhooks", "add", "http://x.test/", "--events", "nothing")
    assert code == 2 and "Unknown event" in err
    assert invoke(capsys, "webhooks", "remove", str(hook["id"]))[0] == 0
