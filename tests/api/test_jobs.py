"""Screening jobs: upload a file, poll, download one JSON line per row; only for its owner."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from clearance.api.jobs import JobManager, JobSpec, format_for
from clearance.errors import InputError, NotFoundError
from clearance.screen_batch import RowResult
from tests.api.conftest import ApiEnv

CSV = (
    "name,schema,country,reference\n"
    "Arkadii Rotenberg,Person,ru,row-1\n"
    "Totally Unlisted Gardening,,,row-2\n"
    "Blue Harbor Electronics,Company,cn,row-3\n"
)


def wait_done(env: ApiEnv, job_id: str, role: str = "screener") -> dict[str, Any]:
    for _ in range(200):
        status: dict[str, Any] = env.client.get(f"/jobs/{job_id}", headers=env.auth(role)).json()
        if status["state"] not in ("queued", "running"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def result_lines(env: ApiEnv, job_id: str) -> list[dict[str, Any]]:
    response = env.client.get(f"/jobs/{job_id}/result", headers=env.auth())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [orjson.loads(line) for line in response.content.splitlines()]


def test_csv_job_via_multipart(env: ApiEnv) -> None:
    files = {"file": ("vendors.csv", CSV.encode(), "text/csv")}
    response = env.client.post("/jobs", files=files, headers=env.auth())
    assert response.status_code == 202
    job = response.json()
    assert job["state"] in ("queued", "running", "done") and job["id"].startswith("job_")
    status = wait_done(env, job["id"])
    assert status["state"] == "done" and status["rows_total"] == 3 and status["rows_done"] == 3
    assert status["result_url"] == f"/jobs/{job['id']}/result"
    lines = result_lines(env, job["id"])
    assert [line["row"] for line in lines] == [1, 2, 3]
    assert [line["reference"] for line in lines] == ["row-1", "row-2", "row-3"]
    assert lines[0]["matches"][0]["entity_id"] == "test-a:9647" and lines[1]["matches"] == []
    # rows, not matches, are counted
    assert status["rows_matched"] == sum(1 for line in lines if line["matches"]) == 2
    assert status["rows_failed"] == 0 and status["rows_warned"] == 0


def test_jsonl_job_via_raw_body_reports_bad_rows(env: ApiEnv) -> None:
    body = b'{"name": "Ivan Petrovich Sidorov", "schema": "Person"}\nnot json\n{"nom": "x"}\n'
    response = env.client.post(
        "/jobs", content=body, headers={**env.auth(), "Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert wait_done(env, job_id)["state"] == "done"
    lines = result_lines(env, job_id)
    # the result lines are what `clearance screen` writes
    assert lines[0]["matches"][0]["entity_id"] == "test-a:100"
    assert lines[1]["row"] == 2 and lines[1]["error"] == "line 2 is not valid JSON"
    assert lines[2]["error"] == "no name: the name is missing or empty"


def test_jobs_are_private_to_their_key_and_admins(env: ApiEnv) -> None:
    response = env.client.post(
        "/jobs", content=CSV.encode(), headers={**env.auth(), "Content-Type": "text/csv"}
    )
    job_id = response.json()["id"]
    wait_done(env, job_id)
    other = env.client.get(f"/jobs/{job_id}", headers=env.auth("analyst"))
    assert other.status_code == 404
    assert env.client.get(f"/jobs/{job_id}/result", headers=env.auth("analyst")).status_code == 404
    assert env.client.get(f"/jobs/{job_id}", headers=env.auth("admin")).status_code == 200


@pytest.mark.parametrize(
    ("content", "content_type", "code"),
    [
        (b"a,b\n1,2\n", "text/csv", "bad_input"),
        (b"", "text/csv", "bad_input"),
        (b"name\nx\n", "application/octet-stream", "bad_input"),
        (b"\xff\xfe\x00", "text/csv", "bad_input"),
    ],
    ids=["no-name-column", "empty", "unknown-format", "not-utf8"],
)
def test_unusable_uploads_are_rejected_at_once(
    env: ApiEnv, content: bytes, content_type: str, code: str
) -> None:
    response = env.client.post(
        "/jobs", content=content, headers={**env.auth(), "Content-Type": content_type}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == code


def test_unknown_and_unfinished_jobs_are_404(env: ApiEnv) -> None:
    assert env.client.get("/jobs/job_0000", headers=env.auth()).status_code == 404
    assert env.client.get("/jobs/../../etc", headers=env.auth()).status_code == 404


def test_format_detection() -> None:
    assert format_for("rows.CSV", None, None) == "csv"
    assert format_for(None, "application/x-ndjson; charset=utf-8", None) == "jsonl"
    assert format_for("rows.txt", "text/plain", "jsonl") == "jsonl"
    assert format_for("rows.xlsx", None, None) == "xlsx"
    with pytest.raises(InputError):
        format_for("rows.doc", "text/plain", None)


def test_shutdown_cancels_running_jobs_between_chunks(tmp_path: Path) -> None:
    started = threading.Event()

    def slow_rows(
        rows: Iterable[Mapping[str, Any]], job: JobSpec, stop: Callable[[], None]
    ) -> Iterator[RowResult]:
        for number, row in enumerate(rows, 1):
            if number % 100 == 0:
                stop()
            started.set()
            time.sleep(0.0005)
            yield RowResult(number, "", row["name"])

    manager = JobManager(tmp_path / "jobs", slow_rows)
    data = ("name\n" + "".join(f"Name {i}\n" for i in range(1000))).encode()
    job = manager.submit(data, "csv", JobSpec("j1", "key_1"))
    queued = manager.submit(data, "csv", JobSpec("j2", "key_1"))
    assert started.wait(5)
    manager.shutdown()
    status = manager.status(job["id"], "key_1")
    assert status["state"] == "cancelled" and 0 < status["rows_done"] < 1000
    assert manager.status(queued["id"], None)["state"] == "cancelled"
    assert not (tmp_path / "jobs" / job["id"] / "result.jsonl").exists()
    with pytest.raises(NotFoundError):
        manager.result_path(job["id"], "key_1")


def test_a_job_whose_process_died_reports_interrupted(tmp_path: Path) -> None:
    manager = JobManager(tmp_path / "jobs", lambda rows, job, stop: iter([]))
    folder = tmp_path / "jobs" / "job_dead0001"
    folder.mkdir(parents=True)
    no_such_pid = 2**22 + 12345  # above Linux's largest pid
    status = {"id": "job_dead0001", "state": "running", "key_id": "k", "pid": no_such_pid}
    (folder / "status.json").write_bytes(orjson.dumps(status))
    reported = manager.status("job_dead0001", "k")
    assert reported["state"] == "failed" and reported["error"]["code"] == "interrupted"
    manager.shutdown()


def test_an_oversized_field_is_a_row_error_and_the_job_goes_on(env: ApiEnv) -> None:
    body = "name,reference\nArkadii Rotenberg,1\n" + "x" * 200_000 + ",2\nIvan Sidorov,3\n"
    response = env.client.post(
        "/jobs", content=body.encode(), headers={**env.auth(), "Content-Type": "text/csv"}
    )
    assert response.status_code == 202
    status = wait_done(env, response.json()["id"])
    assert status["state"] == "done" and status["rows_done"] == 3 and status["rows_failed"] == 1
    lines = result_lines(env, status["id"])
    assert lines[0]["matches"] and lines[2]["reference"] == "3"
    assert "longer than the 1,000 screened" in lines[1]["error"]
