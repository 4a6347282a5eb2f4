"""What is PostgreSQL's own: choosing it (``--database``, ``CLEARANCE_DATABASE_URL``), an
unreachable server, and that nothing of it is imported until a PostgreSQL URL is used. The
store's behaviour itself is tested in both backends by the other tests of this folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from clearance.cli import main
from clearance.errors import StoreError
from clearance.settings import Settings
from clearance.store import Store, postgres
from tests.conftest import ROOT
from tests.serving import free_port
from tests.store.fakesource import FAKE_ID, FakeSource, fake_source, sample_rows, write_fake

__all__ = ["fake_source"]


def test_the_url_comes_from_the_environment(tmp_path: Path) -> None:
    url = "postgresql://clearance@db.internal:5432/screening"
    settings = Settings.from_env({"CLEARANCE_HOME": str(tmp_path), "CLEARANCE_DATABASE_URL": url})
    assert settings.database_location == url
    plain = Settings.from_env({"CLEARANCE_HOME": str(tmp_path)})
    assert plain.database_location == str(tmp_path / "clearance.sqlite3")


def test_an_unreachable_server_is_a_store_error_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "CONNECT_TIMEOUT", 1.0)
    url = f"postgresql://ops:s3cret-pw@127.0.0.1:{free_port()}/clearance"
    with pytest.raises(StoreError, match="Cannot connect to the PostgreSQL store") as caught:
        Store.open(Settings(home=tmp_path, database_url=url))
    assert "s3cret-pw" not in caught.value.message
    assert "postgresql://ops:***@127.0.0.1" in caught.value.message


def test_the_cli_keeps_the_whole_store_in_postgres(
    postgres_url: str,
    tmp_path: Path,
    fake_source: FakeSource,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLEARANCE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CLEARANCE_DATABASE_URL", raising=False)
    path = write_fake(tmp_path / "list.csv", sample_rows(6), published="2026-01-05")
    main(["--database", postgres_url, "load", FAKE_ID, str(path), "--json"])
    assert orjson.loads(capsys.readouterr().out)["status"] == "imported"
    main(["--database", postgres_url, "status", "--json"])
    found = orjson.loads(capsys.readouterr().out)["sources"]
    status = {row["source"]: row for row in found}
    assert status[FAKE_ID]["entities"] == 6 and "us-dod-1260h" in status  # bundled, synced
    main(["--database", postgres_url, "keys", "create", "ci-bot", "--role", "screener"])
    capsys.readouterr()
    # nothing went to a SQLite file in the home
    assert not (tmp_path / "home" / "clearance.sqlite3").exists()
    with Store.open(Settings(home=tmp_path / "other", database_url=postgres_url)) as store:
        assert store.active_versions()[FAKE_ID].published == "2026-01-05"
        assert store.connection.execute("SELECT name FROM api_keys").fetchall() == [("ci-bot",)]


def test_a_database_that_is_no_postgres_url_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--database", "store.sqlite3", "status"])
    assert exited.value.code == 2
    assert "postgresql://" in capsys.readouterr().err


def test_the_driver_is_imported_only_for_a_postgres_url(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from clearance.cli import main\n"
        "from clearance.settings import Settings\n"
        "from clearance.store import Store\n"
        f"Store.open(Settings(home=__import__('pathlib').Path({str(tmp_path)!r}))).close()\n"
        "names = ('psycopg', 'clearance.store.postgres')\n"
        "print(sorted(m for m in sys.modules if m.startswith(names)))\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=ROOT, check=True)  # fmt: skip
    assert found.stdout.strip() == "[]"
