"""PRC counter-sanctions (MOFCOM and MFA), from their CSV transcription.

The Ministry of Commerce (unreliable entity list, export control control list and watch
list, anti-foreign-sanctions countermeasures), the Ministry of Foreign Affairs and the Taiwan
Affairs Office announce their measures as notices, in Chinese. The readable form is a
transcription with the columns ``Type,QID,Name,Alias,Chinese name,Country,Topics,Summary,
Chinese summary,Body,List,Date,End date,Source URL,Address``: one row per party named in one
announcement.

read -> map: :func:`read_counter` turns the file into :class:`CounterRecord` rows,
:func:`map_record` turns a row into an :class:`~clearance.model.Entity` keeping the row in
``entity.record``.

Decisions:

* One entity per row, i.e. per party and announcement: a party named in several
  announcements (a senator countersanctioned twice, a company first put on the export control
  list and then under countermeasures, an MFA decision that is announced again in the
  ministry's list) has several rows, each with its own date, body, list and notice. They are
  kept apart, as the file counts them, so each listing keeps its own dates and reason; they
  share ``record["party"]`` (the QID, else the name slug) so that consumers can group them.
* The entity id is ``cn-prc-countersanctions:`` + the party key (the Wikidata QID when the row
  has one, else an ASCII slug of the English name), ``-`` + the ISO date of the announcement
  (``undated`` when the row has none), ``-`` + the first 8 hex digits of a sha1 over the
  row's body, list and notice URL. All three parts are facts of the listing that do not
  change when the transcription is corrected elsewhere in the row (country, aliases, Chinese
  name, summary), and the hash separates the same party named twice on one day by two
  notices. A row repeated verbatim gets ``-2``, ``-3``... in file order.
* Dates are day-first (``02.12.2019``; ``13.07.20`` is 2020-07-13). A non-empty date that is
  not one is a ParseError: a listing date must not be guessed.
* ``Chinese name`` is the name in the announcement itself: kept as a native-script name
  (kind ``name``, lang ``zho``). ``Alias`` is ``;``-separated.
* ``Type`` is the FtM schema (``Person``, ``Company``, ``Organization``). ``Summary`` is the
  position of a person (FtM ``position``) and the summary of anything else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import ClassVar

from clearance.errors import ParseError
from clearance.model import Entity, Listing
from clearance.reference import list_info, resolve_country
from clearance.sources.base import Gates, Records, Source
from clearance.sources.common import numbered
from clearance.sources.transcribed import digest, read_rows, slug, split_names

SOURCE_ID = "cn-prc-countersanctions"
LIST_CODE = "CN-COUNTER"
FORMAT = "prc-countersanctions-csv"
FILE_NAMES = ("prc-countersanctions.csv", "countersanctions.csv")

HEADER = (
    "Type", "QID", "Name", "Alias", "Chinese name", "Country", "Topics", "Summary",
    "Chinese summary", "Body", "List", "Date", "End date", "Source URL", "Address",
)  # fmt: skip
SCHEMATA = ("Person", "Company", "Organization", "LegalEntity")

_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$")
_QID = re.compile(r"^Q[1-9]\d*$")


@dataclass(frozen=True, slots=True)
class CounterRecord:
    """One row of the transcription; dates as ISO, other fields as given."""

    location: str
    type: str
    qid: str
    name: str
    alias: str
    chinese_name: str
    country: str
    topics: str
    summary: str
    chinese_summary: str
    body: str
    list: str
    date: str
    end_date: str
    source_url: str
    address: str

    def to_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "location"}

    @property
    def party(self) -> str:
        """The key of the party across its rows: the QID, else the slug of its name."""
        return self.qid or slug(self.name)


def day_first_date(value: str) -> str | None:
    """``02.12.2019`` -> ``2019-12-02``; ``13.07.20`` -> ``2020-07-13``; "" -> ""; else None."""
    if not value:
        return ""
    match = _DATE.match(value)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    if len(match.group(3)) == 2:
        year += 2000  # the measures began in 2019
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _record(path: Path, location: str, cells: dict[str, str]) -> CounterRecord:
    def fail(problem: str) -> ParseError:
        return ParseError(str(path), location, problem)

    if not cells["Name"] and not cells["Chinese name"]:
        raise fail("the row has no name")
    if cells["Type"] not in SCHEMATA:
        raise fail(f"unknown Type {cells['Type']!r}")
    if cells["QID"] and not _QID.match(cells["QID"]):
        raise fail(f"QID {cells['QID']!r} is not a Wikidata id")
    dates: dict[str, str] = {}
    for column in ("Date", "End date"):
        iso = day_first_date(cells[column])
        if iso is None:
            raise fail(f"{column} {cells[column]!r} is not a date (DD.MM.YYYY)")
        dates[column] = iso
    return CounterRecord(
        location=location,
        type=cells["Type"],
        qid=cells["QID"],
        name=cells["Name"],
        alias=cells["Alias"],
        chinese_name=cells["Chinese name"],
        country=cells["Country"],
        topics=cells["Topics"],
        summary=cells["Summary"],
        chinese_summary=cells["Chinese summary"],
        body=cells["Body"],
        list=cells["List"],
        date=dates["Date"],
        end_date=dates["End date"],
        source_url=cells["Source URL"],
        address=cells["Address"],
    )


def read_counter(path: Path) -> list[CounterRecord]:
    """Read the transcription. ParseError (file and line) on bad input."""
    rows = read_rows(path, HEADER, "PRC counter-sanctions transcription")
    return [_record(path, row.location, row.cells) for row in rows]


def row_key(record: CounterRecord) -> str:
    """The stable key of a row (see the module docs)."""
    listing = digest(record.body, record.list, record.source_url)
    return f"{record.party}-{record.date or 'undated'}-{listing}"


def _reason(record: CounterRecord) -> str:
    return ": ".join(p for p in (record.body, record.list) if p)


def map_record(record: CounterRecord, source_id: str) -> Entity:
    info = list_info(LIST_CODE)
    entity = Entity(source=SOURCE_ID, source_id=source_id, schema=record.type)
    entity.add_name(record.name)
    entity.add_name(record.chinese_name, "name", lang="zho")
    for alias in split_names(record.alias):
        entity.add_name(alias, "alias")
    countries = [resolve_country(c) for c in split_names(record.country)]
    entity.add("country", [c for c in countries if c])
    entity.add("topics", split_names(record.topics))
    summary_prop = "position" if record.type == "Person" else "summary"
    entity.add(summary_prop, [record.summary, record.chinese_summary])
    entity.add("address", record.address)
    entity.add("wikidataId", record.qid)
    entity.add("sourceUrl", record.source_url)
    entity.listings.append(
        Listing(
            list=LIST_CODE,
            effect=info.effect,
            programs=(record.list,) if record.list else (),
            start=record.date,
            end=record.end_date,
            authority=record.body or info.authority,
            reason=_reason(record),
            url=record.source_url or info.url,
        )
    )
    entity.record = {**record.to_dict(), "party": record.party}
    return entity


def map_records(records: Sequence[CounterRecord]) -> list[Entity]:
    keys = numbered(row_key(r) for r in records)
    return [map_record(record, key) for record, key in zip(records, keys, strict=True)]


class CnCounterSource(Source):
    id: ClassVar[str] = SOURCE_ID
    title: ClassVar[str] = "PRC counter-sanctions (MOFCOM / MFA)"
    #: some 600 listings since 2019, growing with every announcement
    gates: ClassVar[Gates] = Gates(min_entities=100)
    formats: ClassVar[tuple[str, ...]] = (FORMAT,)

    file_names: ClassVar[tuple[str, ...]] = FILE_NAMES

    def read_records(self, files: tuple[Path, ...]) -> Records:
        records = read_counter(files[0])
        return Records(records, FORMAT, max((r.date for r in records), default=""))

    def map_records(self, records: Sequence[CounterRecord]) -> list[Entity]:
        return map_records(records)

    def stats(self, entities: Sequence[Entity], records: Sequence[CounterRecord]) -> dict[str, int]:
        return {"entities": len(entities), "parties": len({r.party for r in records})}
