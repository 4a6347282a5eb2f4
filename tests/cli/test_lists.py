"""The list commands, run in-process through the real entry point (error mapping included)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import orjson
import pytest

from clearance.cli import lists as lists_cli
from clearance.diff import EntityChange
from clearance.model import Listing
from tests.cli.helpers import invoke
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


# -- the gates, unchanged copies, numbering, JSON errors ---------------------------------


def test_force_overrides_the_minimum_count(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    extract = write_fake(tmp_path / "extract.csv", sample_rows(1))  # the gate wants 2
    code, _, err = invoke(capsys, "load", FAKE_ID, str(extract))
    assert code == 4 and "fewer than the 2" in err
    assert "again with --force, which overrides every quality gate" in err
    code, out, _ = invoke(capsys, "load", FAKE_ID, str(extract), "--force")
    assert code == 0 and "imported version 1 (1 entities" in out


@pytest.mark.realdata
def test_an_eu_excerpt_loads_with_force(
    cli_env: Path, capsys: pytest.CaptureFixture[str], shared_data: Path
) -> None:
    excerpt = shared_data / "eu" / "fsf-excerpt-2026-08-05.xml"
    code, _, err = invoke(capsys, "load", "eu-fsf", str(excerpt))
    assert code == 4 and "--force" in err
    code, out, _ = invoke(capsys, "load", "eu-fsf", str(excerpt), "--force", "--json")
    data = orjson.loads(out)
    assert code == 0 and data["status"] == "imported" and data["entities"] == 5


def test_a_copy_of_the_active_file_is_unchanged(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = write_fake(tmp_path / "sdn-monday.csv", sample_rows(5), "2024-03-01")
    copy = tmp_path / "copies" / "sdn-download (1).csv"
    copy.parent.mkdir()
    copy.write_bytes(first.read_bytes())
    invoke(capsys, "load", FAKE_ID, str(first))
    code, out, _ = invoke(capsys, "load", FAKE_ID, str(copy))
    assert code == 0 and "unchanged; version 1 stays active" in out
    code, out, _ = invoke(capsys, "versions", FAKE_ID, "--json")
    assert [v["version"] for v in orjson.loads(out)["versions"]] == [1]


def test_versions_are_numbered_per_source(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for n, day in ((4, "2024-01-01"), (5, "2024-02-01"), (6, "2024-03-01")):
        invoke(capsys, "load", FAKE_ID, str(write_fake(tmp_path / f"{n}.csv", sample_rows(n), day)))
    code, out, _ = invoke(capsys, "status", "--json")
    versions = {s["source"]: s["version"] for s in orjson.loads(out)["sources"]}
    # the bundled lists were imported first, and still every source counts from 1
    assert versions[FAKE_ID] == 3 and versions["us-dod-1260h"] == 1
    code, out, _ = invoke(capsys, "diff", FAKE_ID, "--from", "1", "--to", "3", "--json")
    data = orjson.loads(out)
    assert code == 0 and data["from"]["version"] == 1 and data["to"]["version"] == 3
    assert data["summary"]["added"] == 2
    code, _, err = invoke(capsys, "diff", FAKE_ID, "--from", "4")
    assert code == 6 and "versions: 1, 2, 3" in err


@pytest.mark.parametrize(
    ("args", "code", "error_code"),
    [
        (("load", FAKE_ID, "{broken}"), 3, "parse_error"),
        (("load", "no-such-list", "{broken}"), 2, "bad_input"),
        (("load", FAKE_ID, "{small}"), 4, "gate_failed"),
        (("update", "no-such-list"), 2, "bad_input"),
    ],
)
def test_json_errors_are_json(
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: tuple[str, ...],
    code: int,
    error_code: str,
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text("not,a,fake,list\n", encoding="utf-8")
    small = write_fake(tmp_path / "small.csv", sample_rows(1))
    filled = [a.format(broken=broken, small=small) for a in args]
    got, out, err = invoke(capsys, *filled, "--json")
    data = orjson.loads(out)
    assert got == code and err == ""
    assert data["status"] == "failed" and data["error_code"] == error_code
    assert data["error"] and "Traceback" not in data["error"]


# -- diff text --------------------------------------------------------------------------


def test_diff_text_says_which_programs_changed() -> None:
    old = (
        Listing("SDN", "blocking", ("IRAN", "SDGT"), start="2019-04-15"),
        Listing("EL", "entity-list-licence", start="2020-01-01"),
    )
    new = (
        Listing("SDN", "blocking", ("IRAN", "IRGC"), start="2019-04-15"),
        Listing("CMIC", "cmic-securities-ban", ("CMIC-EO13959",), start="2021-06-03"),
    )
    change = EntityChange("x:1", "Example", listings_added=new, listings_removed=old)
    line = lists_cli._change_line(change)
    assert "listing SDN changed: programs +IRGC -SDGT" in line
    assert "listing +CMIC [CMIC-EO13959] 2021-06-03.." in line
    assert "listing -EL 2020-01-01.." in line
    ended = EntityChange(
        "x:2",
        "Ended",
        listings_added=(
            Listing("DOD-1260H", "dod-1260h-contracting-ban", start="2024-01-31", end="2025-01-07"),
        ),
        listings_removed=(Listing("DOD-1260H", "dod-1260h-contracting-ban", start="2024-01-31"),),
    )
    assert "listing DOD-1260H changed: end - -> 2025-01-07" in lists_cli._change_line(ended)


# -- FollowTheMoney datasets side by side ------------------------------------------------


def _ftm_file(fixtures: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(fixtures / "ftm" / "entities.ftm.json", folder / name)
    return folder / name


def test_ftm_datasets_side_by_side(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures: Path
) -> None:
    alpha = _ftm_file(fixtures, tmp_path / "alpha_sanctions", "entities.ftm.json")
    code, out, _ = invoke(capsys, "load", "ftm", str(alpha))  # named after its folder
    assert code == 0 and "ftm:alpha_sanctions: imported version 1" in out
    code, out, _ = invoke(capsys, "load", "ftm", str(alpha), "--dataset", "beta_peps")
    assert code == 0 and "ftm:beta_peps: imported version 1" in out
    targets = fixtures / "ftm" / "targets.simple.csv"
    code, out, _ = invoke(capsys, "load", "ftm:gamma", str(targets))
    assert code == 0 and "ftm:gamma: imported version 1" in out

    code, out, _ = invoke(capsys, "status", "--json")
    active = {s["source"]: s for s in orjson.loads(out)["sources"]}
    assert {"ftm:alpha_sanctions", "ftm:beta_peps", "ftm:gamma"} <= set(active)
    assert active["ftm:alpha_sanctions"]["entities"] == active["ftm:beta_peps"]["entities"] == 6
    code, out, _ = invoke(capsys, "status")
    assert "ftm:beta_peps" in out and "ftm:<dataset>" not in out
    # the bundled UFLPA file is partial, and status says so
    assert "Incomplete: us-dhs-uflpa lacks" in out and "of the 187 entries" in out

    # each dataset has its own versions and diffs
    reduced = tmp_path / "alpha_sanctions" / "smaller" / "alpha_sanctions.ftm.json"
    reduced.parent.mkdir()
    lines = alpha.read_text().splitlines()
    reduced.write_text("\n".join(x for x in lines if '"id": "v1"' not in x) + "\n")
    code, out, _ = invoke(capsys, "load", "ftm:alpha_sanctions", str(reduced), "--force")
    assert code == 0 and "imported version 2" in out and "1 removed" in out
    code, out, _ = invoke(capsys, "diff", "ftm:alpha_sanctions")
    assert "- ftm:alpha_sanctions:v1" in out
    code, out, _ = invoke(capsys, "versions", "ftm:beta_peps", "--json")
    assert [v["version"] for v in orjson.loads(out)["versions"]] == [1]

    # --source picks a dataset
    code, out, _ = invoke(capsys, "search", "Ivan Example", "--source", "ftm:beta_peps", "--json")
    found = orjson.loads(out)
    hits = found["matches"] if isinstance(found, dict) else found
    assert hits and {h["source"] for h in hits} == {"ftm:beta_peps"}


def test_ftm_dataset_that_cannot_be_named(
    cli_env: Path, capsys: pytest.CaptureFixture[str], fixtures: Path, tmp_path: Path
) -> None:
    # a generic export name in a folder that names no dataset either
    generic = _ftm_file(fixtures, tmp_path / "ftm", "entities.ftm.json")
    code, _, err = invoke(capsys, "load", "ftm", str(generic))
    assert code == 2 and "--dataset NAME" in err and "6 datasets" in err
    code, _, err = invoke(capsys, "load", "us-bis-dpl", str(generic), "--dataset", "x")
    assert code == 2 and "FollowTheMoney dataset" in err
    code, _, err = invoke(capsys, "load", "ftm", str(generic), "--dataset", "Bad Name!")
    assert code == 2 and "not a dataset name" in err
