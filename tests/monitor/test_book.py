"""Rows of a file read into parties of the book, and what an import changes."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from clearance.monitor.book import (
    MAX_REFERENCE,
    BookImport,
    Party,
    RowError,
    read_party,
    screening_row,
)
from clearance.queries import Columns

DEFAULT = Columns()


def party(row: dict[str, Any], columns: Columns = DEFAULT) -> Party:
    found = read_party(1, row, columns)
    assert isinstance(found, Party), found
    return found


def test_a_row_is_read_by_the_query_builder() -> None:
    found = party({"reference": " V-1 ", "name": "ACME  Trading", "country": "Germany",
                   "birth_date": "", "vat": "DE123"})  # fmt: skip
    assert found.reference == "V-1"
    assert found.query.name == "ACME Trading" and found.query.country == ("de",)
    assert found.data == {"name": "ACME Trading", "country": "Germany", "extra": {"vat": "DE123"}}
    assert screening_row(found.reference, found.data) == {
        "name": "ACME Trading", "country": "Germany", "reference": "V-1"
    }  # fmt: skip


def test_columns_are_mapped_as_for_screen() -> None:
    columns = Columns(name=("supplier",), reference=("id",), country=("cc",))
    found = party({"id": "7", "supplier": "Blue Harbor", "cc": "cn"}, columns)
    assert (found.reference, found.query.name, found.query.country) == ("7", "Blue Harbor", ("cn",))


def test_rows_that_cannot_be_parties() -> None:
    assert "no reference" in str(read_party(1, {"name": "x"}))
    assert "no name" in str(read_party(2, {"reference": "a", "name": " "}))
    long = read_party(3, {"reference": "r" * (MAX_REFERENCE + 1), "name": "x"})
    assert isinstance(long, RowError) and "longer" in long.message


@given(
    name=st.sampled_from(["Ann Lee", "ann  lee", " Ann Lee "]),
    date=st.sampled_from(
        ["1970-03-13", "13/3/1970", "13.03.1970", "13 March 1970", "Mar 13, 1970"]
    ),
    country=st.sampled_from(["GB", "gb", "United Kingdom", "GBR"]),
)
def test_a_row_written_differently_but_read_alike_is_unchanged(
    name: str, date: str, country: str
) -> None:
    base = party({"reference": "a", "name": "Ann Lee", "birth_date": "1970-03-13",
                  "country": "gb"})  # fmt: skip
    other = party({"reference": "a", "name": name, "birth_date": date, "country": country})
    assert other.fingerprint == base.fingerprint
    moved = party({"reference": "a", "name": name, "birth_date": "1970-03-14", "country": country})
    assert moved.fingerprint != base.fingerprint


@given(st.dictionaries(st.sampled_from(["name", "reference", "country", "x", "schema"]),
                       st.text(max_size=30), max_size=5))  # fmt: skip
def test_any_row_gives_a_party_or_a_row_error(row: dict[str, str]) -> None:
    assert isinstance(read_party(1, row), Party | RowError)


def test_an_import_compares_with_the_book() -> None:
    book = {"a": party({"reference": "a", "name": "Ann Lee"}).fingerprint,
            "b": party({"reference": "b", "name": "Bo Chan"}).fingerprint,
            "c": "old"}  # fmt: skip
    rows = [
        {"reference": "a", "name": "Ann  Lee"},  # unchanged
        {"reference": "b", "name": "Bo Chan", "country": "hk"},  # changed
        {"reference": "d", "name": "Di Moss"},  # added
        {"reference": "d", "name": "Di Moss again"},  # a repeat: an error
        {"reference": "e", "name": ""},  # no name: an error
        {"name": "No Reference"},
    ]
    reading = BookImport(book)
    parties = list(reading.parties(enumerate(rows, 1)))
    assert [p.reference for p in parties] == ["b", "d"]
    assert reading.summary() == {"added": 1, "changed": 1, "unchanged": 1, "removed": 0,
                                 "errors": 3, "warnings": 0}  # fmt: skip
    assert [(e.row, e.reference) for e in reading.errors] == [(4, "d"), (5, "e"), (6, "")]
    assert "already on row 3" in reading.errors[0].message
    # with --replace, c goes (named by no row); e stays: its row had an error
    assert reading.removed() == ["c"]
