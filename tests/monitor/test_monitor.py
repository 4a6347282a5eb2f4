"""The book kept screened as its list changes: alerts opened, superseded and closed, decisions
remembered, removals, and every step in the audit chain."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearance import screen_batch
from clearance.monitor import book, service
from clearance.queries import Built, Columns, from_row
from clearance.store.chain import ChainQuery
from tests.monitor.conftest import ANALYST, REVIEWER, Watch, entity, first_version

ROWS = [
    {"reference": "V1", "name": "Northwind Arms Trading", "country": "ir"},
    {"reference": "V2", "name": "Ivan Sidorov", "schema": "Person"},
    {"reference": "V3", "name": "Acme Widgets GmbH", "country": "de"},
    {"reference": "V4", "name": "Blue Harbour Electronics"},
]


def pairs(found: list[dict[str, object]]) -> set[tuple[object, ...]]:
    return {(a["party"], a["entity_id"], a["state"], a["reason"]) for a in found}


def test_an_import_screens_the_book_and_opens_alerts(watch: Watch) -> None:
    report = watch.book(ROWS)
    assert (report["added"], report["screened"], report["errors"]) == (4, 4, 0)
    assert pairs(watch.alerts()) == {
        ("V1", "test-watch:1", "open", "initial"),
        ("V2", "test-watch:2", "open", "initial"),
        ("V4", "test-watch:3", "open", "initial"),
    }
    # again: nothing changed, nothing screened
    again = watch.book(ROWS)
    assert (again["unchanged"], again["screened"]) == (4, 0)
    # a changed party is screened again; its alert is superseded
    changed = watch.book([{**ROWS[0], "country": "ae"}])
    assert (changed["changed"], changed["screened"]) == (1, 1)
    v1 = watch.alerts(party="V1")
    assert [(a["state"], a["reason"]) for a in v1] == [("closed", "initial"),
                                                       ("open", "party-changed")]  # fmt: skip
    assert v1[1]["previous"] == v1[0]["id"]


def test_a_list_change_opens_and_closes_exactly_what_it_touches(watch: Watch) -> None:
    watch.book(ROWS)
    entities = first_version()
    entities = [e for e in entities if e.source_id != "3"]  # Blue Harbor delisted
    entities.append(entity("5", "ACME Widgets GmbH", country="de"))  # a new listing
    watch.publish(entities)
    report = watch.cycle()
    assert report["changes"]["added"] == 1 and report["changes"]["removed"] == 1
    assert report["rescreened"] < len(ROWS)  # V2 is not touched
    found = pairs(watch.alerts())
    assert ("V4", "test-watch:3", "delisted", "initial") in found
    assert ("V3", "test-watch:5", "open", "new-listing") in found
    # the same state again: nothing to do
    assert watch.cycle()["status"] == "unchanged"


def test_a_false_positive_stays_cleared_until_the_listing_identity_changes(watch: Watch) -> None:
    watch.book(ROWS)
    (alert,) = watch.alerts(party="V2")
    request = service.DecideRequest(int(alert["id"]), "false-positive", "other birth", ANALYST)
    decided = service.decide(watch.monitor.book, request, four_eyes=False)
    assert decided["state"] == "false-positive"
    assert decided["decisions"][0]["by"] == "ann"
    entities = first_version()
    # a new program for Sidorov: still the same person, still cleared
    entities[1].listings[0] = entities[1].listings[0].__class__("SDN", "blocking", ("TEST", "NEW"))
    watch.publish(entities)
    watch.cycle()
    assert [(a["state"]) for a in watch.alerts(party="V2")] == ["false-positive"]
    # a birth date added to the listing: decided on other facts, the alert comes back
    entities[1].add("birthDate", "1960-01-01")
    watch.publish(entities)
    watch.cycle()
    states = [(a["state"], a["reason"], a["previous"]) for a in watch.alerts(party="V2")]
    assert states == [("closed", "initial", None), ("open", "listing-changed", alert["id"])]


def test_a_true_match_is_confirmed_by_a_reviewer(watch: Watch) -> None:
    watch.book(ROWS)
    (alert,) = watch.alerts(party="V1")
    book = watch.monitor.book
    service.decide(book, service.DecideRequest(int(alert["id"]), "escalated", "same company",
                                               ANALYST), four_eyes=True)  # fmt: skip
    confirmed = service.decide(book, service.DecideRequest(
        int(alert["id"]), "true-match", "registry extract", REVIEWER), four_eyes=True)  # fmt: skip
    assert confirmed["state"] == "true-match"
    assert [d["decision"] for d in confirmed["decisions"]] == ["escalated", "true-match"]


def test_removing_parties_closes_their_alerts(watch: Watch) -> None:
    watch.book(ROWS)
    report = watch.book(ROWS[:2], replace=True)
    assert report["removed"] == 2 and report["alerts"]["closed"] == 1
    assert ("V4", "test-watch:3", "closed", "initial") in pairs(watch.alerts())
    assert service.list_parties(watch.monitor.book, service.BookQuery())["total"] == 2


def test_every_step_is_in_the_audit_chain(watch: Watch) -> None:
    watch.book(ROWS)
    (alert,) = watch.alerts(party="V2")
    service.decide(watch.monitor.book, service.DecideRequest(
        int(alert["id"]), "escalated", "check", ANALYST), four_eyes=False)  # fmt: skip
    book = watch.monitor.book
    kinds = [e.kind for e in book.chain(ChainQuery(party="V2"))]
    assert kinds == ["screening.book", "alert.opened", "alert.decided"]
    opened = book.chain(ChainQuery(kinds=("alert.opened",)))
    assert {e.seq for e in opened} == {a["chain_seq"] for a in watch.alerts()}
    assert book.verify().ok


def test_a_book_file_in_each_format_with_its_own_columns(watch: Watch, tmp_path: Path) -> None:
    """JSON lines, XLSX and Parquet read as CSV is, with columns mapped as for screen; the same
    parties in another format are unchanged."""
    rows = [{"id": "V1", "supplier": "Northwind Arms Trading", "cc": "ir"},
            {"id": "V2", "supplier": "Ivan Sidorov", "cc": ""}]  # fmt: skip
    jsonl = tmp_path / "book.jsonl"
    jsonl.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    xlsx = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    workbook.save(xlsx)
    parquet = tmp_path / "book.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    columns = Columns(name=("supplier",), reference=("id",), country=("cc",))
    reports = [
        service.import_book(watch.monitor, service.ImportRequest(path, ANALYST, columns))
        for path in (jsonl, xlsx, parquet)
    ]
    assert [(r["added"], r["unchanged"], r["errors"]) for r in reports] == [
        (2, 0, 0), (0, 2, 0), (0, 2, 0)
    ]  # fmt: skip
    assert {(a["party"], a["entity_id"]) for a in watch.alerts()} == {
        ("V1", "test-watch:1"), ("V2", "test-watch:2")
    }  # fmt: skip
    shown = service.show_party(watch.monitor.book, "V1")
    assert shown["data"] == {"name": "Northwind Arms Trading", "country": "ir"}


def test_an_import_reads_each_row_into_a_query_once(
    watch: Watch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The book reads a party's query for its fingerprint; the screening takes that query as
    it is instead of reading the row again (a 1,000,000-party import reads a million rows)."""
    reads: list[str] = []

    def counted(row: Mapping[str, Any], *columns: Columns) -> Built:
        reads.append(str(row.get("reference")))
        return from_row(row, *columns)

    monkeypatch.setattr(book, "from_row", counted)
    monkeypatch.setattr(screen_batch, "from_row", counted)
    report = watch.book(ROWS)
    assert (report["added"], report["screened"]) == (4, 4)
    assert sorted(reads) == ["V1", "V2", "V3", "V4"]
    # the query screened is the one the engine would have read: the same alerts
    assert {a["party"] for a in watch.alerts()} == {"V1", "V2", "V4"}
