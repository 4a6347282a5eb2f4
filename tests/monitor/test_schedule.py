"""The monitoring cycle against real local HTTP servers: lists downloaded, the book re-screened
for what changed, webhooks told; a failed download or a refused list changes nothing and is
reported. And the schedule: a loop of cycles, one process at a time."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from clearance.catalog import downloadable_sources
from clearance.errors import InputError
from clearance.monitor import service
from clearance.monitor.rescreen import Monitor
from clearance.monitor.schedule import CycleOptions, Scheduler, parse_every, run_once
from clearance.settings import Settings
from clearance.sources.ofac import SdnSource
from clearance.store.chain import ChainQuery
from tests.exposure.helpers import load_small
from tests.monitor.conftest import ADMIN, ANALYST
from tests.monitor.test_webhooks import Receiver
from tests.store.httpserver import FileServer, file_server

__all__ = ["file_server"]

SDN = Path(__file__).resolve().parents[1] / "fixtures" / "ofac" / "sdn-csv"
ROWS = [
    {"reference": "V-1", "name": "Anna Petrovna Testova", "schema": "Person"},
    {"reference": "V-3", "name": "Acme Widgets GmbH", "country": "de"},
]
ADDED = '1007,"ACME WIDGETS GMBH",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Germany."\r\n'


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def settings(tmp_path: Path, file_server: FileServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A store with the SDN fixture active and a book of two parties; every list with a
    download location downloads from the local server (which has only what a test puts)."""
    # the fixture is a handful of entries: the SDN gates would refuse any version of it
    monkeypatch.setattr(SdnSource, "gates", replace(SdnSource.gates, min_entities=1))
    urls = {source: file_server.base_url for source in downloadable_sources()}
    found = Settings(home=tmp_path / "home", source_urls=urls, http_retries=0)
    load_small(found, SdnSource(), SDN)
    with Monitor.open(found) as monitor:
        service.import_rows(monitor, enumerate(ROWS, 1), ANALYST)
    return found


def serve_sdn(server: FileServer, folder: Path, sdn: bytes) -> None:
    server.put_dir(folder)
    server.put("SDN.CSV", sdn)


def states(settings: Settings) -> dict[tuple[str, str], tuple[str, str, int]]:
    with Monitor.open(settings) as monitor:
        found = service.list_alerts(monitor.book, service.AlertsQuery())
    return {(a["party"], a["entity_id"]): (a["state"], a["reason"], a["version"]) for a in found}


def events(receiver: Receiver) -> list[dict[str, Any]]:
    return [orjson.loads(body) for _headers, body in receiver.requests]


def test_a_cycle_updates_rescreens_and_reports_what_failed(
    settings: Settings, file_server: FileServer, receiver: Receiver
) -> None:
    with Monitor.open(settings) as monitor:
        hook = service.WebhookRequest(receiver.url, ("*",), ADMIN)
        service.add_webhook(monitor.book, hook)
    sdn = (SDN / "SDN.CSV").read_bytes()
    serve_sdn(file_server, SDN, ADDED.encode("cp1252") + sdn)  # Acme Widgets listed
    report = run_once(settings, CycleOptions(actor="test:scheduler", deliver_seconds=10.0))
    statuses = {u["source"]: u["status"] for u in report["updates"]}
    assert statuses.pop("us-ofac-sdn") == "imported"
    assert statuses and set(statuses.values()) == {"failed"}  # nothing else is served
    assert {f["source"] for f in report["failed"]} == set(statuses)
    assert report["monitor"]["status"] == "rescreened"
    assert states(settings)[("V-3", "us-ofac-sdn:1007")] == ("open", "new-listing", 2)
    kinds = [e["event"] for e in events(receiver)]
    assert {"alert.opened", "monitor.step", "monitor.failed"} <= set(kinds)
    failed = next(e for e in events(receiver) if e["event"] == "monitor.failed")
    assert {u["source"] for u in failed["data"]["updates"]} == set(statuses)

    # a broken SDN file: refused, the version and the alerts stay, and it is reported
    before = states(settings)
    serve_sdn(file_server, SDN, b'1008,"HALF A RECORD",-0- \r\n"unterminated')
    report = run_once(settings, CycleOptions(actor="test:scheduler", deliver_seconds=10.0))
    sdn_update = next(u for u in report["updates"] if u["source"] == "us-ofac-sdn")
    assert sdn_update["status"] == "failed" and sdn_update["error"]
    assert report["monitor"]["status"] == "unchanged"
    assert states(settings) == before
    with Monitor.open(settings) as monitor:
        assert monitor.store.active_versions()["us-ofac-sdn"].id == 2
        recorded = monitor.book.chain(ChainQuery(kinds=("monitor.failed",)))
        assert len(recorded) == 2 and monitor.book.verify().ok
    assert "us-ofac-sdn" in {
        u["source"] for e in events(receiver) if e["event"] == "monitor.failed"
        for u in e["data"]["updates"]
    }  # fmt: skip


def test_the_schedule_runs_cycles_in_one_process_at_a_time(
    settings: Settings, tmp_path: Path
) -> None:
    changed = tmp_path / "sdn"
    shutil.copytree(SDN, changed)
    reports: list[dict[str, Any]] = []
    options = CycleOptions(actor="test:scheduler", update=False, deliver_seconds=1.0)
    first = Scheduler(settings, 3600, options, on_report=reports.append).start()
    try:
        deadline = time.monotonic() + 60
        while not reports:
            assert time.monotonic() < deadline, "no cycle ran"
            time.sleep(0.05)
        assert reports[0]["monitor"]["status"] in ("unchanged", "rescreened")
        assert reports[0]["updates"] == []  # update=False: no download
        # a second schedule of the same installation stands down while the first runs
        others: list[dict[str, Any]] = []
        second = Scheduler(settings, 3600, options, on_report=others.append).start()
        second.stop(timeout=10)
        assert not second._thread.is_alive() and others == []
    finally:
        first.stop(timeout=30)
    assert not first._thread.is_alive() and len(reports) == 1


def test_intervals() -> None:
    assert parse_every("1h") == 3600 and parse_every("15m") == 900 and parse_every("30s") == 30
    with pytest.raises(InputError, match="at least"):
        parse_every("5s")
    with pytest.raises(InputError, match="not a duration"):
        parse_every("often")
