"""Several ``clearance serve`` processes on one store, in each backend: a list update made
through one server is screened by the other, an alert opened and decided in one is seen in
the other, and their concurrent writes leave ONE audit chain, which ``audit verify`` checks.

With PostgreSQL each server has a home of its own (its own persisted index), as servers on
several hosts have; with SQLite both open the one file in their shared home.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import orjson
import pytest

from clearance.cli import main
from clearance.settings import Settings
from clearance.store import open_database
from clearance.store.chain import HTTP_SCREENING, ChainQuery, read_chain, verify
from tests.api.conftest import load_store, make_keys
from tests.conftest import ROOT
from tests.serving import Served, serve
from tests.store.httpserver import FileServer, file_server

__all__ = ["file_server"]

NEW_NAME = "CRIMSON LANTERN SHIPPING COMPANY"
DPL_HEADER = (
    "Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
    "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation",
)  # fmt: skip


def dpl_file(names: list[str]) -> bytes:
    """A Denied Persons List in BIS's tab-delimited format, one person per name."""
    rows = [DPL_HEADER]
    for n, name in enumerate(names):
        rows.append((name, f"{n} HARBOUR ROAD", "PANAMA", "", "PA", "0801", "03/16/2020",
                     "12/13/2030", "Y", "2020-03-20", "FR NOTICE ADDED", "85 FR 1"))  # fmt: skip
    lines = ["\t".join(f'"{value}"' for value in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def match(base: str, key: str, name: str) -> list[str]:
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": [name]}}}}
    response = httpx.post(f"{base}/match/default", json=body, headers=_auth(key), timeout=60)
    assert response.status_code == 200, response.text
    return [r["caption"].upper() for r in response.json()["responses"]["q"]["results"]]


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def two_servers(
    store_settings: Settings, file_server: FileServer, tmp_path: Path
) -> Iterator[tuple[Settings, dict[str, str], list[Served]]]:
    settings = replace(store_settings, home=tmp_path / "home-0")
    load_store(settings).close()
    keys = make_keys(settings)
    file_server.put("dpl.txt", dpl_file([f"DENIED TRADER NUMBER {n}" for n in range(120)]))
    env = {"CLEARANCE_API_RATE_PER_MINUTE": "0", "CLEARANCE_URL_US_BIS_DPL": file_server.base_url}
    homes = [tmp_path / "home-1", tmp_path / "home-2"]
    if not settings.database_url:  # SQLite: the one file, in the one home
        homes = [settings.home, settings.home]
    options = ("--log-level", "warning")
    database = settings.database_url
    servers = [serve(h, *options, env=env, database=database, cwd=ROOT, wait=None) for h in homes]
    try:
        for server in servers:
            server.wait_ready()
        yield settings, keys, servers
    finally:
        for server in servers:
            server.stop()


@pytest.mark.slow
def test_several_servers_share_one_store(
    two_servers: tuple[Settings, dict[str, str], list[Served]],
    file_server: FileServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, keys, (one, two) = two_servers
    screener, analyst, admin = keys["screener"], keys["analyst"], keys["admin"]
    sent = 0

    # a list update made through one server is screened by the other
    assert NEW_NAME not in match(two.base, screener, NEW_NAME)
    sent += 1
    names = [f"DENIED TRADER NUMBER {n}" for n in range(120)] + [NEW_NAME]
    file_server.put("dpl.txt", dpl_file(names))
    updated = httpx.post(f"{one.base}/sources/us-bis-dpl/update", headers=_auth(admin), timeout=120)
    assert updated.status_code == 200 and updated.json()["status"] == "imported", updated.text
    deadline = time.monotonic() + 120
    while NEW_NAME not in match(two.base, screener, NEW_NAME):
        sent += 1
        assert time.monotonic() < deadline, "the other server kept screening the old version"
        time.sleep(0.5)
    sent += 1

    # an alert opened through one server and decided through the other is seen by both
    party = httpx.put(f"{one.base}/book/parties/V-1", headers=_auth(analyst), timeout=60,
                      json={"name": "Northwind Arms Trading LLC", "country": "ir"})  # fmt: skip
    assert party.status_code == 200, party.text
    opened = httpx.get(f"{two.base}/alerts", params={"party": "V-1"}, headers=_auth(analyst))
    alerts = opened.json()
    assert alerts and all(a["state"] == "open" for a in alerts)
    alert = alerts[0]
    decided = httpx.post(f"{two.base}/alerts/{alert['id']}/decisions", headers=_auth(analyst),
                         json={"decision": "escalated", "reason": "same address"})  # fmt: skip
    assert decided.status_code == 200, decided.text
    seen = httpx.get(f"{one.base}/alerts/{alert['id']}", headers=_auth(analyst)).json()
    assert seen["state"] == "escalated"
    assert [d["reason"] for d in seen["decisions"]] == ["same address"]

    # both servers screening at once: every answer is one record of one chain
    def client(n: int) -> None:
        for i in range(8):
            match((one, two)[(n + i) % 2].base, screener, f"Northwind Arms Trading {n} {i}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent += 6 * 8
    conn = open_database(settings.database_location)
    assert verify(conn).ok
    screenings = read_chain(conn, ChainQuery(kinds=(HTTP_SCREENING,)))
    assert len(screenings) == sent
    conn.close()
    options = ["--database", settings.database_url] if settings.database_url else []
    monkeypatch.setenv("CLEARANCE_HOME", str(settings.home))
    monkeypatch.delenv("CLEARANCE_DATABASE_URL", raising=False)
    main([*options, "audit", "verify", "--json"])  # exits 9 when the chain is broken
    report = orjson.loads(capsys.readouterr().out)
    assert report["ok"] and report["records"] >= sent + 3  # keys, list activations, the alert
