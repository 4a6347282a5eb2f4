"""The example vendor list (examples/vendors.csv) stays usable as a screening test bed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from clearance.reference import lists
from clearance.sources import get_source
from clearance.text.scripts import detect_script

VENDORS = Path(__file__).resolve().parent.parent / "examples" / "vendors.csv"
COLUMNS = ["reference", "name", "country", "schema", "address", "category", "expected", "note"]
BUNDLED = ("us-ndaa-889", "us-fcc-covered", "us-dod-1260h")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with VENDORS.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_vendor_rows_are_well_formed(rows: list[dict[str, str]]) -> None:
    assert 300 <= len(rows) <= 400
    assert len({r["reference"] for r in rows}) == len(rows)
    assert len({r["name"] for r in rows}) == len(rows)
    for row in rows:
        assert row["name"].strip() == row["name"] and row["name"], row
        assert re.fullmatch(r"[A-Z]{2}", row["country"]), row
        assert row["schema"] in ("Company", "Person", "Organization"), row
        assert row["category"] in (
            "cameras", "networking", "IT", "telecom", "components", "services",
        ), row  # fmt: skip


def test_expected_hits_use_known_list_codes_and_are_a_small_share(
    rows: list[dict[str, str]],
) -> None:
    known = lists()
    expected = [r for r in rows if r["expected"]]
    for row in expected:
        codes = row["expected"].split(";")
        assert all(code in known for code in codes), row
        assert row["note"].startswith(("listed", "subsidiary")), row
    assert 0.05 <= len(expected) / len(rows) <= 0.08
    scripts = {detect_script(r["name"]) for r in rows}
    assert {"Latn", "Hani", "Jpan", "Hang", "Cyrl", "Arab"} <= scripts


def test_unlisted_vendors_do_not_carry_a_bundled_list_name(rows: list[dict[str, str]]) -> None:
    """A row without expectation must not be, verbatim, a name of a bundled list entry."""
    names: set[str] = set()
    for source_id in BUNDLED:
        source = get_source(source_id)
        dataset = source.read(source.default_files()[0])  # type: ignore[attr-defined]
        names |= {n.value.casefold() for e in dataset.entities for n in e.names}
    for row in rows:
        if not row["expected"]:
            assert row["name"].casefold() not in names, row
