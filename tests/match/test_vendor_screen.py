"""The example vendor file screened against the real lists: the OFAC SDN and non-SDN
Consolidated lists, the UN Security Council list, the trade.gov CSL sample and the bundled
statutory lists. A vendor whose ``expected`` column is empty is on none of them and must not
alert (these are the company-name false alerts that a name matcher is judged by); a vendor
with ``expected`` lists must alert on each of them. Skipped without the shared list data."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.catalog import import_dataset, open_store
from clearance.queries import from_row
from clearance.screen import Screener
from clearance.screen_io import open_rows
from clearance.settings import Settings
from clearance.sources import get_source

VENDORS = Path(__file__).resolve().parents[2] / "examples" / "vendors.csv"
LISTS = (
    ("us-ofac-sdn", "ofac/sdn-2023-12-28"),
    ("us-ofac-cons", "ofac/consolidated-2025-12-19"),
    ("un-sc", "un/consolidated-2026-02-27.xml"),
    ("us-trade-csl", "us-csl/csl-sample-2025-06-25.csv"),
)


@pytest.fixture(scope="module")
def screened(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    settings = Settings(home=tmp_path_factory.mktemp("vendors"))
    with open_store(settings) as store:
        for source_id, path in LISTS:
            import_dataset(store, get_source(source_id).read(shared_data / path))
    screener = Screener.open(settings)
    out = []
    for row in open_rows(VENDORS, "csv"):
        hits = screener.search(from_row(row).query)
        lists = {code for hit in hits for code in hit.to_dict()["lists"]}
        captions = [f"{hit.entity.caption} ({hit.result.score:.2f})" for hit in hits]
        out.append((row["name"], row["expected"], lists, captions))
    return out


@pytest.mark.realdata
def test_unlisted_vendors_do_not_alert(screened: list[tuple]) -> None:
    alerts = {name: hits for name, expected, _, hits in screened if not expected and hits}
    assert alerts == {}
    assert sum(not expected for _, expected, _, _ in screened) > 300


@pytest.mark.realdata
def test_listed_vendors_alert_on_their_lists(screened: list[tuple]) -> None:
    missed = {
        name: sorted(set(expected.split(";")) - lists)
        for name, expected, lists, _ in screened
        if expected and not set(expected.split(";")) <= lists
    }
    assert missed == {}
    assert sum(bool(expected) for _, expected, _, _ in screened) >= 30
