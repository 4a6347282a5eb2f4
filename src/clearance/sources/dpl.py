"""BIS Denied Persons List (DPL), the official tab-delimited file.

read -> map: :func:`read_dpl` turns the file into :class:`DplRecord` rows, :func:`map_record`
turns a row into an :class:`~clearance.model.Entity` keeping the row in ``entity.record``.

Decisions:

* One entity per row. The file has one row per name and address of a denial order: a denied
  person with two addresses or an alias has several rows (with the same effective date and
  Federal Register citation). BIS counts each row as an entry, and so do we; the rows of one
  order share ``record["order"]`` (a hash of effective date and FR citation) so that later
  consumers can group them.
* There is no official id. The entity id is ``us-bis-dpl:`` + the first 16 hex digits of a
  sha1 over the row's name and address (street, city, state, country, postal code), upper-cased
  with spaces collapsed. Name and address are what identifies a row over time: renewals of a
  temporary denial order change the dates and append FR citations, and should show as a
  change of the same entity, not as a removal and an addition. A row repeated verbatim (the
  file has two) gets ``-2``, ``-3``...
* Schema ``LegalEntity``: the file does not say whether a row is a person or a company.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from clearance.errors import ParseError
from clearance.model import Entity, Listing
from clearance.reference import list_info, resolve_country
from clearance.sources.base import Gates, Records, Source
from clearance.sources.common import iso_date, numbered, read_text
from clearance.sources.ftmdata import us_state_country

SOURCE_ID = "us-bis-dpl"
LIST_CODE = "DPL"

HEADER = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)


@dataclass(frozen=True, slots=True)
class DplRecord:
    """One row of the Denied Persons List, fields as given (whitespace collapsed)."""

    location: str
    name: str
    street_address: str
    city: str
    state: str
    country: str
    postal_code: str
    effective_date: str
    expiration_date: str
    standard_order: str
    last_update: str
    action: str
    fr_citation: str

    def to_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "location"}


def read_dpl(path: Path) -> list[DplRecord]:
    """Read the tab-delimited DPL file. ParseError (file and line) on bad input."""
    name = str(path)
    reader = csv.reader(io.StringIO(read_text(path), newline=""), delimiter="\t", strict=True)
    records: list[DplRecord] = []
    try:
        header = tuple(h.strip().lower() for h in next(reader))
        if header != tuple(h.lower() for h in HEADER):
            raise ParseError(name, "line 1", "this is not the BIS Denied Persons List (header)")
        for row in reader:
            location = f"line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(HEADER):
                raise ParseError(
                    name, location, f"the row has {len(row)} fields, expected {len(HEADER)}"
                )
            values = [" ".join(cell.split()) for cell in row]
            if not values[0]:
                raise ParseError(name, location, "the row has no name")
            records.append(DplRecord(location, *values))
    except csv.Error as exc:
        raise ParseError(name, f"line {reader.line_num}", f"broken file ({exc})") from None
    return records


def _digest(*parts: str) -> str:
    basis = "\x1f".join(" ".join(p.upper().split()) for p in parts)
    return hashlib.sha1(basis.encode()).hexdigest()[:16]


def row_key(record: DplRecord) -> str:
    """The stable key of a row: a hash of its name and address (see the module docs)."""
    return _digest(
        record.name,
        record.street_address,
        record.city,
        record.state,
        record.country,
        record.postal_code,
    )


def _country(record: DplRecord) -> str:
    """The row's country; a blank Country with a US state code is the US. Other codes in the
    State column (``CY``, ``RS`` for rows in Nicosia or Stavropol) are not ISO: left blank."""
    if record.country:
        return resolve_country(record.country)
    return us_state_country(record.state)


def map_record(record: DplRecord, source_id: str) -> Entity:
    info = list_info(LIST_CODE)
    entity = Entity(source=SOURCE_ID, source_id=source_id, schema="LegalEntity")
    entity.add_name(record.name)
    parts = (record.street_address, record.city, record.state, record.postal_code)
    entity.add("address", ", ".join(p for p in parts if p))
    entity.add("country", _country(record))
    reason = f"Federal Register: {record.fr_citation}" if record.fr_citation else ""
    if record.standard_order.upper() == "N":
        reason = "; ".join(p for p in (reason, "non-standard order") if p)
    entity.listings.append(
        Listing(
            list=LIST_CODE,
            effect=info.effect,
            start=iso_date(record.effective_date),
            end=iso_date(record.expiration_date),
            authority=info.authority,
            reason=reason,
            url=info.url,
        )
    )
    entity.record = {
        **record.to_dict(),
        "order": _digest(record.effective_date, record.fr_citation),
    }
    return entity


def map_records(records: Sequence[DplRecord]) -> list[Entity]:
    keys = numbered(row_key(r) for r in records)
    return [map_record(record, key) for record, key in zip(records, keys, strict=True)]


def published_date(records: Sequence[DplRecord]) -> str:
    """The latest ``Last_Update`` of the file: it has no publication date of its own.

    Updates later than 90 days after the latest effective date are typing errors (the 2022-09
    file has one dated 3017) and are ignored.
    """
    effective = [_day(r.effective_date) for r in records]
    latest = max((d for d in effective if d is not None), default=None)
    if latest is None:
        return ""
    limit = latest + timedelta(days=90)
    updates = [d for d in (_day(r.last_update) for r in records) if d is not None and d <= limit]
    return max(updates, default=latest).isoformat()


def _day(value: str) -> date | None:
    text = iso_date(value)
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


class DplSource(Source):
    id: ClassVar[str] = SOURCE_ID
    title: ClassVar[str] = "US BIS Denied Persons List"
    gates: ClassVar[Gates] = Gates(min_entities=100)
    base_url: ClassVar[str] = "https://www.bis.doc.gov/dpl/"
    remote_files: ClassVar[tuple[str, ...]] = ("dpl.txt",)
    formats: ClassVar[tuple[str, ...]] = ("dpl-txt",)

    def read_records(self, files: tuple[Path, ...]) -> Records:
        records = read_dpl(files[0])
        if not records:
            raise ParseError(str(files[0]), None, "the file has a header but no rows")
        return Records(records, "dpl-txt", published_date(records))

    def map_records(self, records: Sequence[DplRecord]) -> list[Entity]:
        return map_records(records)

    def stats(self, entities: Sequence[Entity], records: Sequence[DplRecord]) -> dict[str, int]:
        return {"entities": len(entities), "orders": len({e.record["order"] for e in entities})}
