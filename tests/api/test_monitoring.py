"""The monitoring endpoints over the real app: the book, alerts and decisions by role, the audit
chain, evidence pages, webhooks, a bulk import as a background job."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from clearance.api.models_monitor import ImportStatus
from clearance.api.monitoring import BookImports
from clearance.monitor import service
from tests.api.conftest import ApiEnv, build_env


@pytest.fixture
def menv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiEnv]:
    yield from build_env(tmp_path_factory.mktemp("monitor") / "home", api_rate_per_minute=0)


def put(env: ApiEnv, reference: str, body: dict[str, object], role: str = "analyst") -> object:
    return env.client.put(f"/book/parties/{reference}", json=body, headers=env.auth(role))


def test_the_book_over_http(menv: ApiEnv) -> None:
    response = put(menv, "V-1", {"name": "Arkadii Rotenberg", "schema": "Person",
                                 "birth_date": "1951"})  # fmt: skip
    assert response.status_code == 200, response.text
    party = response.json()
    assert party["reference"] == "V-1" and party["import"]["added"] == 1
    (alert,) = party["alerts"]
    assert alert["entity_id"] == "test-a:9647" and alert["reason"] == "initial"
    assert alert["state"] == "open" and alert["version"] == 1
    assert put(menv, "V-2", {"name": "Someone Unlisted"}).status_code == 200
    listed = menv.client.get("/book/parties", headers=menv.auth("analyst")).json()
    assert listed["total"] == 2 and [p["alerts"] for p in listed["parties"]] == [1, 0]
    # a screener may screen but not keep a book
    assert put(menv, "V-3", {"name": "X"}, role="screener").status_code == 403
    assert menv.client.get("/book/parties/V-9", headers=menv.auth("analyst")).status_code == 404
    gone = menv.client.delete("/book/parties/V-1", headers=menv.auth("analyst")).json()
    assert gone == {"reference": "V-1", "removed": True, "alerts_closed": 1}


def test_decisions_by_role(menv: ApiEnv) -> None:
    put(menv, "V-1", {"name": "Northwind Arms Trading LLC", "country": "ir"})
    alerts = menv.client.get("/alerts", params={"state": "open"}, headers=menv.auth("analyst"))
    alert_id = alerts.json()[0]["id"]
    path = f"/alerts/{alert_id}/decisions"
    confirm = {"decision": "true-match", "reason": "registry extract"}
    refused = menv.client.post(path, json=confirm, headers=menv.auth("analyst"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    escalated = menv.client.post(path, json={"decision": "escalated", "reason": "looks like it"},
                                 headers=menv.auth("analyst"))  # fmt: skip
    assert escalated.json()["state"] == "escalated"
    confirmed = menv.client.post(path, json=confirm, headers=menv.auth("reviewer")).json()
    assert confirmed["state"] == "true-match"
    assert [(d["decision"], d["by"], d["role"]) for d in confirmed["decisions"]] == [
        ("escalated", "test-analyst", "analyst"),
        ("true-match", "test-reviewer", "reviewer"),
    ]
    assert menv.client.post(path, json={"decision": "maybe", "reason": "x"},
                            headers=menv.auth("reviewer")).status_code == 422  # fmt: skip


def test_four_eyes_over_http_needs_two_keys(tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("four-eyes") / "home"
    for env in build_env(home, api_rate_per_minute=0, four_eyes=True):
        put(env, "V-1", {"name": "Northwind Arms Trading LLC", "country": "ir"})
        alert = env.client.get("/alerts", headers=env.auth("analyst")).json()[0]
        path = f"/alerts/{alert['id']}/decisions"
        confirm = {"decision": "true-match", "reason": "registry extract", "by": "carol"}
        first = env.client.post(path, json=confirm, headers=env.auth("reviewer"))
        assert first.status_code == 403 and "escalate" in first.json()["error"]["message"]
        escalate = {"decision": "escalated", "reason": "same name", "by": "dave"}
        assert env.client.post(path, json=escalate, headers=env.auth("reviewer")).status_code == 200
        # the key that escalated cannot confirm by naming someone else
        again = env.client.post(path, json=confirm, headers=env.auth("reviewer"))
        assert again.status_code == 403 and "key or sign-in" in again.json()["error"]["message"]
        done = env.client.post(path, json=confirm, headers=env.auth("admin"))
        assert done.status_code == 200 and done.json()["state"] == "true-match"
        # the chain records the key beside whom it names
        records = env.client.get("/audit", params={"kind": "alert.decided"},
                                 headers=env.auth("admin")).json()  # fmt: skip
        assert [(r["actor"], r["data"]["by"]) for r in records] == [
            ("key:test-admin", "carol"), ("key:test-reviewer", "dave")
        ]  # fmt: skip


def test_the_audit_chain_and_evidence(menv: ApiEnv) -> None:
    put(menv, "V-1", {"name": "Arkadii Rotenberg", "schema": "Person"})
    assert menv.client.get("/audit", headers=menv.auth("analyst")).status_code == 403
    records = menv.client.get("/audit", params={"party": "V-1"}, headers=menv.auth("admin"))
    assert [r["kind"] for r in records.json()] == ["alert.opened", "screening.book"]
    verified = menv.client.get("/audit/verify", headers=menv.auth("admin")).json()
    head = menv.client.get("/audit/head", headers=menv.auth("admin")).json()
    assert verified["ok"] and verified["head"] == head["hash"]
    page = menv.client.get("/evidence/V-1", headers=menv.auth("analyst"))
    assert page.headers["content-type"].startswith("text/html")
    assert "Rotenberg" in page.text and "<script" not in page.text and "http" not in page.text
    data = menv.client.get("/evidence/V-1.json", headers=menv.auth("analyst")).json()
    assert data["alerts"][0]["entity"]["id"] == "test-a:9647"


def test_evidence_is_read_while_the_book_is_being_screened(menv: ApiEnv) -> None:
    """A book import holds the monitor for as long as it screens; reading a party's evidence
    must not wait for it."""
    put(menv, "V-1", {"name": "Arkadii Rotenberg", "schema": "Person"})
    answers: list[int] = []

    def read() -> None:
        for path in ("/evidence/V-1.json", "/evidence/V-1"):
            answers.append(menv.client.get(path, headers=menv.auth("analyst")).status_code)

    reader = threading.Thread(target=read, daemon=True)
    with menv.app.state.monitoring.monitor():  # as an import running in the server does
        reader.start()
        reader.join(timeout=30)
        waited = reader.is_alive()
    reader.join()
    assert not waited, "the evidence waited for the monitor"
    assert answers == [200, 200]


def test_webhooks_are_an_admins(menv: ApiEnv) -> None:
    body = {"url": "http://127.0.0.1:9/hook", "events": ["alert.opened"]}
    assert menv.client.post("/webhooks", json=body, headers=menv.auth("analyst")).status_code == 403
    created = menv.client.post("/webhooks", json=body, headers=menv.auth("admin"))
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    hook = created.json()["id"]
    put(menv, "V-1", {"name": "Arkadii Rotenberg", "schema": "Person"})
    log = menv.client.get(f"/webhooks/{hook}/deliveries", headers=menv.auth("admin")).json()
    assert [d["event"] for d in log] == ["alert.opened"]
    assert (
        menv.client.delete(f"/webhooks/{hook}", headers=menv.auth("admin")).json()["active"]
        is False
    )


def test_a_book_file_is_imported_in_the_background(menv: ApiEnv) -> None:
    rows = "reference,name,country\nA1,Northwind Arms Trading,ir\nA2,Blue Harbor Electronics,cn\n"
    headers = {**menv.auth("analyst"), "Content-Type": "text/csv"}
    response = menv.client.post("/book/imports", content=rows.encode(), headers=headers)
    assert response.status_code == 202, response.text
    import_id = response.json()["id"]
    deadline = time.monotonic() + 60
    status = response.json()
    while status["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
        status = menv.client.get(f"/book/imports/{import_id}", headers=menv.auth("analyst")).json()
    assert status["state"] == "done", status
    assert status["report"]["added"] == 2 and status["report"]["alerts"]["opened"] >= 2
    cycle = menv.client.post("/monitor/cycle", headers=menv.auth("admin")).json()
    assert cycle["status"] == "unchanged"


def test_a_book_import_whose_process_died_reports_interrupted(tmp_path: Path) -> None:
    """An import is background work like a screening job: a server killed while it ran leaves
    a status that says so, not one running for ever."""
    imports = BookImports(tmp_path / "imports")
    folder = tmp_path / "imports" / "imp_dead0001"
    folder.mkdir(parents=True)
    no_such_pid = 2**22 + 12345  # above Linux's largest pid
    status = {"id": "imp_dead0001", "state": "running", "created_at": "2026-12-07T00:00:00+00:00",
              "pid": no_such_pid}  # fmt: skip
    (folder / "status.json").write_bytes(orjson.dumps(status))
    reported = imports.status("imp_dead0001")
    assert reported["state"] == "failed" and reported["error"]["code"] == "interrupted"
    assert ImportStatus.model_validate(reported)
    imports.shutdown()


def test_shutdown_ends_queued_book_imports_as_cancelled(tmp_path: Path) -> None:
    release, started = threading.Event(), threading.Event()

    def runner(path: Path, fmt: str, replace: bool, who: object) -> dict[str, object]:
        started.set()
        assert release.wait(30)
        return {"added": 1}

    imports = BookImports(tmp_path / "imports", runner)
    who = service.Actor("ana", "analyst", "key")
    running = imports.submit(b"reference,name\nA,B\n", "csv", False, who)
    queued = imports.submit(b"reference,name\nA,B\n", "csv", False, who)
    assert started.wait(10)
    stopping = threading.Thread(target=imports.shutdown)
    stopping.start()
    release.set()
    stopping.join(30)
    assert imports.status(running["id"])["state"] == "done"
    assert imports.status(queued["id"])["state"] == "cancelled"
