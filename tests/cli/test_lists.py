"""The list commands, run in-process through the real entry point (error mapping included)."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from clearance.cli import lists as lists_cli
from clearance.cli import main
from tests.store.fakesource import FAKE_ID, FakeSource, fake_source, sample_rows, write_fake
from tests.store.httpserver import FileServer, file_server

__all__ = ["fake_source", "file_server"]


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_source: FakeSource) -> Path:
    home = tmp_path / "home"
    for key in [k for k in os.environ if k.startswith("CLEARANCE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("CLEARANCE_HOME", str(home))
    monkeypatch.setenv("CLEARANCE_HTTP_RETRIES", "1")
    monkeypatch.setenv("CLEARANCE_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("CLEARANCE_HTTP_TIMEOUT", "5")
    return home


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        # like the console script, which exits with what main() returns
        code = int(main(list(args)) or 0)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_load_prints_version_and_changes(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_fake(tmp_path / "a.csv", sample_rows(10), published="2024-01-05")
    code, out, _ = invoke(capsys, "load", FAKE_ID, str(path))
    assert code == 0
    assert "imported version" in out and "10 entities, published 2024-01-05" in out
    assert "10 added, 0 removed, 0 changed" in out
    code, out, _ = invoke(capsys, "load", FAKE_ID, str(path))
    assert code == 0 and "unchanged" in out


def test_parse_error_is_one_paragraph(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text("not,a,fake,list\n", encoding="utf-8")
    code, _, err = invoke(capsys, "load", FAKE_ID, str(broken))
    assert code == 3
    assert err.startswith("Error: Cannot read") and "line 1" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_gate_refusal_then_force(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    invoke(capsys, "load", FAKE_ID, str(write_fake(tmp_path / "a.csv", sample_rows(20))))
    small = write_fake(tmp_path / "b.csv", sample_rows(10))
    code, _, err = invoke(capsys, "load", FAKE_ID, str(small))
    assert code == 4 and "--force" in err and "Traceback" not in err
    code, out, _ = invoke(capsys, "load", FAKE_ID, str(small), "--force")
    assert code == 0 and "10 removed" in out


def test_status_versions_diff_json(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    invoke(
        capsys, "load", FAKE_ID, str(write_fake(tmp_path / "a.csv", sample_rows(5), "2024-01-01"))
    )
    rows = sample_rows(5)
    rows[0] = ("E1", "Company", "Sample Trading 1 Ltd", "ST1", "ir")
    invoke(capsys, "load", FAKE_ID, str(write_fake(tmp_path / "b.csv", rows, "2024-02-01")))

    code, out, _ = invoke(capsys, "status", "--json")
    status = orjson.loads(out)
    assert code == 0 and list(status) == ["sources"]
    (fake,) = [s for s in status["sources"] if s["source"] == FAKE_ID]
    assert fake["entities"] == 5 and fake["published"] == "2024-02-01"
    assert {"version", "imported_at", "origin"} <= set(fake)

    code, out, _ = invoke(capsys, "versions", FAKE_ID, "--json")
    found = orjson.loads(out)["versions"]
    assert [v["published"] for v in found] == ["2024-01-01", "2024-02-01"]
    assert [v["active"] for v in found] == [False, True]

    code, out, _ = invoke(capsys, "diff", FAKE_ID, "--json")
    data = orjson.loads(out)
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 1}
    assert data["changed"][0]["names_removed"] == [
        {"value": "Sample 1", "kind": "alias", "script": "Latn"}
    ]
    back = invoke(
        capsys,
        "diff",
        FAKE_ID,
        "--from",
        str(found[1]["version"]),
        "--to",
        str(found[0]["version"]),
    )
    assert back[0] == 0 and "~ test-fake:E1" in back[1] and "+Sample 1 [alias]" in back[1]


def test_text_outputs(cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    invoke(capsys, "load", FAKE_ID, str(write_fake(tmp_path / "a.csv", sample_rows(3))))
    code, out, _ = invoke(capsys, "status")
    assert code == 0 and out.startswith("SOURCE") and FAKE_ID in out
    code, out, _ = invoke(capsys, "versions", FAKE_ID)
    assert (code == 0 and "* 1" in out.replace("  ", " ")) or "*" in out
    code, out, _ = invoke(capsys, "diff", FAKE_ID, "--limit", "1")
    assert code == 0 and "3 added" in out and "and 2 more" in out


def test_diff_of_unknown_version(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    invoke(capsys, "load", FAKE_ID, str(write_fake(tmp_path / "a.csv", sample_rows(3))))
    code, _, err = invoke(capsys, "diff", FAKE_ID, "--from", "99")
    assert code == 6 and "no version 99" in err


def test_update_success_unchanged_and_failure(
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    file_server: FileServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLEARANCE_URL_TEST_FAKE", file_server.base_url)
    file_server.put("FAKE.CSV", write_fake(tmp_path / "a.csv", sample_rows(10)))
    code, out, _ = invoke(capsys, "update", FAKE_ID)
    assert code == 0 and "imported version" in out
    code, out, _ = invoke(capsys, "update", FAKE_ID)
    assert code == 0 and "unchanged" in out
    file_server.put("FAKE.CSV", write_fake(tmp_path / "b.csv", sample_rows(11)))
    file_server.then("FAKE.CSV", "truncate", "truncate")
    code, _, err = invoke(capsys, "update", FAKE_ID)
    assert (code == 5 and "truncated" in err) or "broke off" in err
    assert "active version is kept" in err and "Traceback" not in err


def test_update_several_reports_each(
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    file_server: FileServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLEARANCE_URL_TEST_FAKE", file_server.base_url)
    file_server.put("FAKE.CSV", write_fake(tmp_path / "a.csv", sample_rows(10)))
    code, out, _ = invoke(capsys, "update", FAKE_ID, "us-ndaa-889", "--json")
    results = {r["source"]: r for r in orjson.loads(out)["sources"]}
    assert code != 0
    assert results[FAKE_ID]["status"] == "imported"
    assert results["us-ndaa-889"]["status"] == "failed"
    assert "no download location" in results["us-ndaa-889"]["error"]


def test_base_url_option(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, file_server: FileServer
) -> None:
    file_server.put("fake.csv", write_fake(tmp_path / "a.csv", sample_rows(4)))
    code, out, _ = invoke(capsys, "update", FAKE_ID, "--base-url", file_server.base_url)
    assert code == 0 and "4 entities" in out


def test_unknown_source_is_a_usage_error(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = invoke(capsys, "versions", "no-such-list")
    assert code == 2 and "Known sources" in err


def test_run_loads_and_reports(
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(
        lists_cli,
        "RUN_STEPS",
        [*lists_cli.RUN_STEPS, lambda run: seen.append(run.store.state_key())],
    )
    path = write_fake(tmp_path / "a.csv", sample_rows(6))
    code, out, _ = invoke(capsys, "run", f"{FAKE_ID}={path}")
    assert code == 0
    assert "imported version" in out and f"\n{FAKE_ID}" in out
    assert out.index("imported version") < out.index("SOURCE")
    assert len(seen) == 1
    code, _, err = invoke(capsys, "run", "nonsense")
    assert code == 2 and "SOURCE=PATH" in err
