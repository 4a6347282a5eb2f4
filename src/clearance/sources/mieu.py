"""BIS Military-Intelligence End User (MIEU) list, from its CSV transcription.

BIS publishes the MIEU list only as Supplement No. 7 to part 744 of the EAR, amended by
Federal Register notices. The readable form is a transcription with the columns
``Type,Name,Alias,Country,Topics,Program,Date,End date,Source URL``, one row per listed end
user.

read -> map: :func:`read_mieu` turns the file into :class:`MieuRecord` rows, :func:`map_record`
turns a row into an :class:`~clearance.model.Entity` keeping the row in ``entity.record``.

Decisions:

* One entity per row: each row is one end user named in the supplement.
* There is no official id. The entity id is ``us-bis-mieu:`` + an ASCII slug of the name
  (``north-sea-trading-office``): the name is what identifies an end user over time, and
  a later notice that changes dates or the notice URL keeps the id. A repeated name gets
  ``-2``, ``-3``... in file order.
* ``Alias`` holds the acronyms the supplement gives (``;``-separated when several): kept as
  aliases, since screening for the acronym alone is what users expect of this list.
* ``Type`` is the FtM schema (``Organization``); anything else is a ParseError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import ClassVar

from clearance.errors import ParseError
from clearance.model import Entity, Listing
from clearance.reference import list_info, resolve_country
from clearance.sources.base import Gates, Records, Source
from clearance.sources.common import iso_date, numbered
from clearance.sources.transcribed import read_rows, slug, split_names

SOURCE_ID = "us-bis-mieu"
LIST_CODE = "MIEU"
FORMAT = "mieu-csv"
FILE_NAMES = ("bis-mieu.csv", "mieu.csv")

HEADER = ("Type", "Name", "Alias", "Country", "Topics", "Program", "Date", "End date", "Source URL")
SCHEMATA = ("Organization", "Company", "LegalEntity", "Person")


@dataclass(frozen=True, slots=True)
class MieuRecord:
    """One row of the MIEU transcription, fields as given (whitespace collapsed)."""

    location: str
    type: str
    name: str
    alias: str
    country: str
    topics: str
    program: str
    date: str
    end_date: str
    source_url: str

    def to_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "location"}


def _check_date(path: Path, location: str, column: str, value: str) -> str:
    if not value:
        return ""
    iso = iso_date(value)
    if len(iso) != 10:
        raise ParseError(str(path), location, f"{column} {value!r} is not a date (YYYY-MM-DD)")
    return iso


def read_mieu(path: Path) -> list[MieuRecord]:
    """Read the transcription. ParseError (file and line) on bad input."""
    records: list[MieuRecord] = []
    for row in read_rows(path, HEADER, "BIS Military-Intelligence End User list"):
        cells = row.cells
        if not cells["Name"]:
            raise ParseError(str(path), row.location, "the row has no name")
        if cells["Type"] not in SCHEMATA:
            raise ParseError(str(path), row.location, f"unknown Type {cells['Type']!r}")
        records.append(
            MieuRecord(
                location=row.location,
                type=cells["Type"],
                name=cells["Name"],
                alias=cells["Alias"],
                country=cells["Country"],
                topics=cells["Topics"],
                program=cells["Program"],
                date=_check_date(path, row.location, "Date", cells["Date"]),
                end_date=_check_date(path, row.location, "End date", cells["End date"]),
                source_url=cells["Source URL"],
            )
        )
    return records


def map_record(record: MieuRecord, source_id: str) -> Entity:
    info = list_info(LIST_CODE)
    entity = Entity(source=SOURCE_ID, source_id=source_id, schema=record.type)
    entity.add_name(record.name)
    for alias in split_names(record.alias):
        entity.add_name(alias, "alias")
    entity.add("country", [resolve_country(c) for c in split_names(record.country)])
    entity.add("topics", split_names(record.topics))
    entity.add("sourceUrl", record.source_url)
    entity.listings.append(
        Listing(
            list=LIST_CODE,
            effect=info.effect,
            programs=tuple(split_names(record.program)),
            start=record.date,
            end=record.end_date,
            authority=info.authority,
            url=record.source_url or info.url,
        )
    )
    entity.record = record.to_dict()
    return entity


def map_records(records: Sequence[MieuRecord]) -> list[Entity]:
    keys = numbered(slug(r.name) for r in records)
    return [map_record(record, key) for record, key in zip(records, keys, strict=True)]


class MieuSource(Source):
    id: ClassVar[str] = SOURCE_ID
    title: ClassVar[str] = "US BIS Military-Intelligence End User list"
    #: the list has named 13 end users since 2022 and has never shrunk
    gates: ClassVar[Gates] = Gates(min_entities=5)
    formats: ClassVar[tuple[str, ...]] = (FORMAT,)

    file_names: ClassVar[tuple[str, ...]] = FILE_NAMES

    def read_records(self, files: tuple[Path, ...]) -> Records:
        records = read_mieu(files[0])
        return Records(records, FORMAT, max((r.date for r in records), default=""))

    def map_records(self, records: Sequence[MieuRecord]) -> list[Entity]:
        return map_records(records)

    def stats(self, entities: Sequence[Entity], records: Sequence[MieuRecord]) -> dict[str, int]:
        return {"entities": len(entities)}
