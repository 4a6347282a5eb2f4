"""`clearance store copy`: a store with lists, a book, decided alerts, keys and an audit chain,
copied into PostgreSQL and into a new SQLite file, answers every question as the original did,
and goes on working there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest

from clearance.settings import Settings
from clearance.sources.ofac import SdnSource
from clearance.store.copy import tables
from clearance.store.schema import open_database
from tests.cli.helpers import invoke
from tests.exposure.helpers import load_small

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

BOOK = """reference,name,schema,country,birth_date
V-1,Anna Petrovna Testova,Person,ru,1960-01-01
V-2,Example Trading Co Ltd,Company,tr,
V-3,Acme Widgets GmbH,Company,de,
"""

#: what must read the same from the copy (the audit chain is compared on its own)
QUESTIONS = (
    ("status", "--json"),
    ("versions", "us-ofac-sdn", "--json"),
    ("book", "list", "--json"),
    ("alerts", "--json"),
    ("keys", "list", "--json"),
)


@pytest.fixture
def home(home: Path, tmp_path: Path) -> Path:
    load_small(Settings(home=home), SdnSource(), FIXTURES / "ofac" / "sdn-csv")
    (tmp_path / "book.csv").write_text(BOOK)
    return home


def _ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = invoke(capsys, *args)
    assert code == 0, err
    return out


def _fill(capsys: pytest.CaptureFixture[str], book: Path) -> None:
    _ok(capsys, "book", "import", str(book), "--workers", "1")
    alerts = orjson.loads(_ok(capsys, "alerts", "--json"))
    assert alerts, "the book raised no alert to decide"
    _ok(capsys, "alerts", "decide", str(alerts[0]["id"]), "--as", "false-positive", "--reason",
        "another party", "--by", "ann")  # fmt: skip
    _ok(capsys, "keys", "create", "ops", "--role", "analyst")


def _answers(capsys: pytest.CaptureFixture[str], *database: str) -> dict[str, object]:
    return {" ".join(q): orjson.loads(_ok(capsys, *database, *q)) for q in QUESTIONS}


def _chain(capsys: pytest.CaptureFixture[str], *database: str) -> list[dict[str, object]]:
    records = orjson.loads(_ok(capsys, *database, "audit", "--json"))
    assert isinstance(records, list)
    return records


def test_every_table_of_the_schema_is_copied_with_all_its_columns(tmp_path: Path) -> None:
    conn = open_database(str(tmp_path / "store.sqlite3"))
    try:
        found = {t.name: t.columns for t in tables()}
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        assert set(found) == {row[0] for row in names}
        for name, columns in found.items():
            info = conn.execute(f"PRAGMA table_info({name})").fetchall()
            assert columns == tuple(row[1] for row in info), name
    finally:
        conn.close()


def test_a_store_copied_into_postgresql_answers_the_same_and_goes_on(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], postgres_url: str
) -> None:
    _fill(capsys, tmp_path / "book.csv")
    before, chain = _answers(capsys), _chain(capsys)
    report = orjson.loads(_ok(capsys, "store", "copy", postgres_url, "--json"))
    assert report["rows"]["book_parties"] == 3 and report["rows"]["decisions"] == 1
    assert report["chain"]["records"] == len(chain) + 1
    database = ("--database", postgres_url)
    assert _answers(capsys, *database) == before
    copied = _chain(capsys, *database)
    assert copied[:-1] == chain  # every record as it was, hashes included
    assert copied[-1]["kind"] == "store.copied" and copied[-1]["prev"] == chain[-1]["hash"]
    verified = orjson.loads(_ok(capsys, *database, "audit", "verify", "--json"))
    assert verified["ok"] and verified["records"] == len(chain) + 1
    # the copy goes on: new parties, alerts and keys take keys after the copied ones
    (tmp_path / "more.csv").write_text("reference,name,schema\nV-9,Anna Petrovna Testova,Person\n")
    _ok(capsys, *database, "book", "import", str(tmp_path / "more.csv"), "--workers", "1")
    alerts = orjson.loads(_ok(capsys, *database, "alerts", "--json"))
    new = [a for a in alerts if a["party"] == "V-9"]
    assert new and new[0]["id"] > max(a["id"] for a in before["alerts --json"])  # type: ignore[union-attr]
    # the original is untouched
    assert _answers(capsys) == before


def test_a_store_is_copied_only_into_an_empty_one(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(capsys, tmp_path / "book.csv")
    target = tmp_path / "copy.sqlite3"
    _ok(capsys, "store", "copy", str(target))
    code, _, err = invoke(capsys, "store", "copy", str(target))
    assert code != 0 and "not empty" in err
    code, _, err = invoke(capsys, "store", "copy", str(home / "clearance.sqlite3"))
    assert code != 0 and "itself" in err


def test_a_store_copied_into_a_sqlite_file_is_a_working_home(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(capsys, tmp_path / "book.csv")
    before, chain = _answers(capsys), _chain(capsys)
    other = tmp_path / "other"
    other.mkdir()
    out = _ok(capsys, "store", "copy", str(other / Settings(home=other).database))
    assert "Audit chain" in out and "book_parties: 3" in out
    monkeypatch.setenv("CLEARANCE_HOME", str(other))
    assert _answers(capsys) == before
    assert _chain(capsys)[:-1] == chain
    with sqlite3.connect(other / Settings(home=other).database) as conn:
        kinds = [row[0] for row in conn.execute("SELECT kind FROM audit_chain ORDER BY seq")]
    assert kinds[-1] == "store.copied"
