"""trade.gov Consolidated Screening List (CSL): CSV (both header generations) and JSON.

read -> map: :func:`read_csv` / :func:`read_json` turn the file into :class:`CslRecord` rows,
:func:`map_record` turns a row into an :class:`~clearance.model.Entity` keeping the row (as
read) in ``entity.record``.

Decisions:

* Every row keeps its own source list: the ``source`` column gives the list code (the
  abbreviation in parentheses, with exceptions in ``data/csl.yaml``) and so the legal effect.
* Entity id ``us-trade-csl:<_id>`` (current header); the older header has no ``_id``: there the
  OFAC ``entity_number`` is used, else ``h`` + a sha1 of the row's identifying fields (source,
  name, addresses, Federal Register notice, start date). A repeated identical row gets ``-2``...
* ``type``: Individual -> Person, Vessel -> Vessel, Aircraft -> Airplane, Entity ->
  Organization; empty (BIS and State lists) -> LegalEntity, or Person when the row gives a
  date or place of birth or a nationality.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import orjson

from clearance.datafiles import load_data
from clearance.errors import ParseError
from clearance.model import Entity, Listing
from clearance.reference import list_info, resolve_country
from clearance.sources.base import Gates, Records, Source
from clearance.sources.common import iso_date, numbered, read_text
from clearance.sources.ftmdata import schema_props, us_state_country

SOURCE_ID = "us-trade-csl"

_LIST_FIELDS = (
    "programs",
    "alt_names",
    "dates_of_birth",
    "places_of_birth",
    "nationalities",
    "citizenships",
)
#: columns that hold one value (the others hold ";"-separated lists or structures)
_STRUCTURED = ("_id", "addresses", "ids", *_LIST_FIELDS)
_ABBREVIATION = re.compile(r"\(([^()]+)\)")
_C1 = re.compile("[\x80-\x9f]")
_US_ZIP = re.compile(r"^\d{5}(-\d{4})?$")


@dataclass(frozen=True, slots=True)
class CslAddress:
    address: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class CslId:
    type: str
    number: str
    country: str = ""


@dataclass(frozen=True, slots=True)
class CslRecord:
    """One CSL row, typed. ``row_id`` is ``_id`` (empty for the older CSV header); ``fields``
    holds the one-value columns, ``lists`` the ``;``-separated ones."""

    location: str
    row_id: str
    fields: Mapping[str, str]
    lists: Mapping[str, tuple[str, ...]]
    addresses: tuple[CslAddress, ...]
    ids: tuple[CslId, ...]
    raw: Mapping[str, Any]

    def get(self, key: str) -> str:
        return self.fields.get(key, "")

    def values(self, key: str) -> tuple[str, ...]:
        return self.lists.get(key, ())

    @property
    def name(self) -> str:
        return self.get("name")

    @property
    def source(self) -> str:
        return self.get("source")


# -- reference data -----------------------------------------------------------------------


@cache
def _config() -> dict[str, Any]:
    data: dict[str, Any] = load_data("csl.yaml")
    return data


def current_header() -> list[str]:
    """Columns of the current CSV; the older header is the same without ``_id``."""
    return list(_config()["columns"])


@cache
def _text_fields() -> tuple[str, ...]:
    return tuple(c for c in current_header() if c not in _STRUCTURED)


def list_code(source: str) -> str:
    """List code of a CSL ``source`` string: the abbreviation in parentheses, mapped."""
    config = _config()
    text = " ".join(source.split())
    by_source: dict[str, str] = config["sources"]
    if text.lower() in by_source:
        return by_source[text.lower()]
    match = _ABBREVIATION.search(text)
    if match is None:
        return "CSL"
    abbreviation = match.group(1).strip()
    mapped: dict[str, str] = config["abbreviations"]
    return mapped.get(abbreviation, abbreviation.upper())


def _clean(value: Any) -> str:
    """Text of a field: C1 control characters (cp1252 read as Latin-1 upstream) repaired."""
    if value is None:
        return ""
    text = str(value)
    if _C1.search(text):
        text = _C1.sub(lambda m: bytes([ord(m.group())]).decode("cp1252", "ignore"), text)
    return " ".join(text.split())


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


# -- read: CSV ----------------------------------------------------------------------------


def _parse_csv_address(text: str) -> CslAddress:
    """``street, city, [state,] [postal code,] COUNTRY``: the country is the last part."""
    parts = [p.strip() for p in re.sub(r"^and\s+", "", text.strip()).split(",") if p.strip()]
    if not parts:
        return CslAddress()
    last = parts[-1]
    country = ""
    if _is_code(last) or (len(parts) > 1 and not any(ch.isdigit() for ch in last)):
        country = resolve_country(last)
    if not country and len(parts) > 2 and _US_ZIP.match(last):
        # "..., PHOENIX, AZ, 85043": a US state and ZIP code without a country (DPL rows)
        return CslAddress(address=", ".join(parts), country=us_state_country(parts[-2]))
    return CslAddress(address=", ".join(parts[:-1] if country else parts), country=country)


def _is_code(value: str) -> bool:
    return len(value) == 2 and value.isalpha() and value.isupper()


def _parse_csv_ids(text: str, current: bool) -> tuple[CslId, ...]:
    """``type, number, country`` triples (current header) or ``country, number, type``."""
    out: list[CslId] = []
    for item in _split(text):
        parts = [p.strip() for p in item.split(",")]
        if len(parts) < 2:
            out.append(CslId(type="", number=item))
            continue
        if current:
            kind, rest = parts[0], parts[1:]
            country = rest.pop() if len(rest) > 1 and _is_code(rest[-1]) else ""
        else:
            kind, rest = parts[-1], parts[:-1]
            country = rest.pop(0) if len(rest) > 1 and _is_code(rest[0]) else ""
        out.append(CslId(type=kind, number=", ".join(rest), country=country))
    return tuple(out)


def _csv_record(row: dict[str, str], location: str, current: bool) -> CslRecord:
    return CslRecord(
        location=location,
        row_id=_clean(row.get("_id")),
        fields={key: _clean(row.get(key)) for key in _text_fields()},
        lists={key: _split(_clean(row.get(key))) for key in _LIST_FIELDS},
        addresses=tuple(_parse_csv_address(a) for a in _split(_clean(row.get("addresses")))),
        ids=_parse_csv_ids(_clean(row.get("ids")), current),
        raw=dict(row),
    )


def read_csv(path: Path) -> list[CslRecord]:
    """Read a CSL CSV file (either header generation) into records. ParseError on bad input."""
    name = str(path)
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        current = header == current_header()
        if not current and header != current_header()[1:]:
            raise ParseError(
                name, "line 1", "this is not a Consolidated Screening List CSV (unknown header)"
            )
        records: list[CslRecord] = []
        for row in reader:
            location = f"line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ParseError(
                    name, location, f"the row has {len(row)} fields, the header {len(header)}"
                )
            records.append(_csv_record(dict(zip(header, row, strict=True)), location, current))
    except csv.Error as exc:
        raise ParseError(name, f"line {reader.line_num}", f"broken CSV ({exc})") from None
    return records


# -- read: JSON ---------------------------------------------------------------------------


def _json_list(value: Any, where: str, path: str) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return list(_split(value))
    if not isinstance(value, list):
        raise ParseError(path, where, f"expected a list, found {type(value).__name__}")
    return value


def _json_text(value: Any, where: str, path: str) -> str:
    if isinstance(value, dict | list):
        raise ParseError(path, where, "expected a text value, found a structure")
    return _clean(value)


def _json_objects(item: dict[str, Any], key: str, location: str, path: str) -> list[dict[str, str]]:
    """The ``addresses`` or ``ids`` of a JSON record: objects whose values are text."""
    out: list[dict[str, str]] = []
    for value in _json_list(item.get(key), location, path):
        if not isinstance(value, dict):
            raise ParseError(path, location, f"an entry of {key} is not an object")
        out.append({k: _json_text(v, location, path) for k, v in value.items()})
    return out


def _json_record(item: Any, location: str, path: str) -> CslRecord:
    if not isinstance(item, dict):
        raise ParseError(path, location, "a result is not an object")
    lists = {
        key: tuple(_json_text(v, location, path) for v in _json_list(item.get(key), location, path))
        for key in _LIST_FIELDS
    }
    lists["programs"] = tuple(p for v in lists["programs"] for p in _split(v))
    addresses = [
        CslAddress(
            **{k: a.get(k, "") for k in asdict(CslAddress()) if k != "country"},
            country=resolve_country(a.get("country", "")),
        )
        for a in _json_objects(item, "addresses", location, path)
    ]
    ids = [
        CslId(type=i.get("type", ""), number=i.get("number", ""), country=i.get("country", ""))
        for i in _json_objects(item, "ids", location, path)
    ]
    return CslRecord(
        location=location,
        row_id=_json_text(item.get("id", item.get("_id")), location, path),
        fields={key: _json_text(item.get(key), location, path) for key in _text_fields()},
        lists=lists,
        addresses=tuple(addresses),
        ids=tuple(ids),
        raw=item,
    )


def read_json(path: Path) -> list[CslRecord]:
    """Read the CSL JSON form ``{"results": [...]}``. ParseError on bad input."""
    name = str(path)
    try:
        data = orjson.loads(read_text(path))
    except orjson.JSONDecodeError as exc:
        raise ParseError(name, None, f"broken JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ParseError(name, None, 'this is not CSL JSON (no "results" list)')
    return [_json_record(item, f"result #{i}", name) for i, item in enumerate(data["results"], 1)]


# -- map ----------------------------------------------------------------------------------


def _schema(record: CslRecord) -> str:
    types: dict[str, str] = _config()["types"]
    schema = types.get(record.get("type").lower(), "LegalEntity")
    personal = ("dates_of_birth", "places_of_birth", "nationalities", "citizenships")
    if schema == "LegalEntity" and any(record.values(key) for key in personal):
        return "Person"
    return schema


def _clean_name(name: str) -> str:
    for suffix in _config().get("name_suffixes", ()):
        index = name.lower().find(suffix.lower())
        if index > 0:
            name = name[:index]
    return name.strip(" ;,")


def _add_identifier(entity: Entity, ident: CslId, props: frozenset[str]) -> None:
    mapping: dict[str, str] = _config()["identifiers"]
    prop = mapping.get(ident.type.lower(), "idNumber")
    value = ident.number
    if not value:
        return
    if prop == "notes":
        entity.add("notes", f"{ident.type} {value}".strip())
        return
    if prop in ("pastFlags", "flag"):
        value = resolve_country(value)
    elif prop in ("incorporationDate", "buildDate"):
        value = iso_date(value)
    elif prop == "gender":
        value = value.lower()
    elif prop == "imoNumber":
        digits = re.sub(r"\D", "", value)
        value = f"IMO{digits}" if len(digits) == 7 else value
    if prop not in props:
        prop = "idNumber" if "idNumber" in props else "registrationNumber"
    if prop in props and value:
        entity.add(prop, value)


def _add_countries(entity: Entity, prop: str, values: Iterable[str], props: frozenset[str]) -> None:
    codes = [c for c in (resolve_country(v) for v in values) if c]
    entity.add(prop if prop in props else "country", codes)


def _add_vessel(entity: Entity, record: CslRecord, props: frozenset[str]) -> None:
    pairs = (
        ("callSign", record.get("call_sign")),
        ("type", record.get("vessel_type")),
        ("tonnage", record.get("gross_tonnage")),
        ("grossRegisteredTonnage", record.get("gross_registered_tonnage")),
        ("flag", resolve_country(record.get("vessel_flag"))),
    )
    for prop, value in pairs:
        if prop in props:
            entity.add(prop, value)
    if record.get("vessel_owner"):
        entity.add("notes", f"Vessel owner: {record.get('vessel_owner')}")


def _listing(record: CslRecord, code: str) -> Listing:
    info = list_info(code)
    parts = (
        ("Federal Register", record.get("federal_register_notice")),
        ("Licence requirement", record.get("license_requirement")),
        ("Licence policy", record.get("license_policy")),
    )
    authority = info.authority or record.source.rpartition(" - ")[2]
    return Listing(
        list=code,
        effect=info.effect,
        programs=record.values("programs"),
        start=iso_date(record.get("start_date")),
        end=iso_date(record.get("end_date")),
        authority=authority,
        reason="; ".join(f"{label}: {value}" for label, value in parts if value),
        url=record.get("source_information_url") or record.get("source_list_url"),
    )


def map_record(record: CslRecord, source_id: str) -> Entity:
    """Map one CSL row to an entity (``source_id`` is the row's key, see :func:`row_key`)."""
    schema = _schema(record)
    props = schema_props(schema)
    entity = Entity(source=SOURCE_ID, source_id=source_id, schema=schema)
    entity.add_name(_clean_name(record.name))
    for alias in record.values("alt_names"):
        entity.add_name(_clean_name(alias), "alias")
    for addr in record.addresses:
        text = ", ".join(v for v in (addr.address, addr.city, addr.state, addr.postal_code) if v)
        entity.add("address", text)
        entity.add("country", addr.country)
    for ident in record.ids:
        _add_identifier(entity, ident, props)
    if "birthDate" in props:
        entity.add("birthDate", [iso_date(d) for d in record.values("dates_of_birth")])
        entity.add("birthPlace", record.values("places_of_birth"))
    _add_countries(entity, "nationality", record.values("nationalities"), props)
    _add_countries(entity, "citizenship", record.values("citizenships"), props)
    if record.get("title"):
        entity.add("position" if "position" in props else "notes", record.get("title"))
    if schema == "Vessel":
        _add_vessel(entity, record, props)
    entity.add("notes", record.get("remarks"))
    entity.add("sourceUrl", record.get("source_information_url"))
    entity.listings.append(_listing(record, list_code(record.source)))
    entity.record = dict(record.raw)
    return entity


def row_key(record: CslRecord) -> str:
    """The list's own key of a row: ``_id``, else the OFAC entity number, else a hash."""
    if record.row_id:
        return record.row_id
    if record.get("entity_number"):
        return record.get("entity_number")
    basis = "\x1f".join(
        (
            record.source.lower(),
            record.name.lower(),
            "|".join(a.address.lower() + a.country for a in record.addresses),
            record.get("federal_register_notice"),
            record.get("start_date"),
        )
    )
    return "h" + hashlib.sha1(basis.encode()).hexdigest()[:16]


def check_records(records: Sequence[CslRecord], path: str) -> None:
    """Every row must name a party and its source list."""
    for record in records:
        if not record.name:
            raise ParseError(path, record.location, "the row has no name")
        if not record.source:
            raise ParseError(path, record.location, "the row has no source list")


def map_records(records: Sequence[CslRecord]) -> list[Entity]:
    keys = numbered(row_key(r) for r in records)
    return [map_record(record, key) for record, key in zip(records, keys, strict=True)]


class CslSource(Source):
    id: ClassVar[str] = SOURCE_ID
    title: ClassVar[str] = "US Consolidated Screening List (trade.gov)"
    # the full list has about 12,000 rows: 10 refuses an empty or cut-off download and still
    # lets the published samples (13 and 115 rows) load
    gates: ClassVar[Gates] = Gates(min_entities=10)
    base_url: ClassVar[str] = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/"
    remote_files: ClassVar[tuple[str, ...]] = ("consolidated.csv",)
    formats: ClassVar[tuple[str, ...]] = ("csl-csv", "csl-json")

    def locate(self, path: Path) -> tuple[Path, ...]:
        return (_pick_file(path),)

    def read_records(self, files: tuple[Path, ...]) -> Records:
        path = files[0]
        name = str(path)
        try:
            with path.open("rb") as fh:
                head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        except OSError as exc:
            raise ParseError(name, None, f"cannot open the file ({exc.strerror})") from None
        is_json = head.startswith(b"{")
        records = read_json(path) if is_json else read_csv(path)
        if not records:
            raise ParseError(name, None, "the file has no rows")
        check_records(records, name)
        return Records(records, "csl-json" if is_json else "csl-csv")

    def map_records(self, records: Sequence[CslRecord]) -> list[Entity]:
        return map_records(records)

    def stats(self, entities: Sequence[Entity], records: Sequence[CslRecord]) -> dict[str, int]:
        lists = Counter(f"list:{e.listings[0].list}" for e in entities)
        return dict(Counter(e.schema for e in entities) + lists)


def _pick_file(path: Path) -> Path:
    if not path.is_dir():
        return path
    for name in ("consolidated.csv", "consolidated.json"):
        candidate = path / name
        if candidate.is_file():
            return candidate
    found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json"))
    if len(found) != 1:
        raise ParseError(str(path), None, "expected one consolidated.csv or .json in the folder")
    return found[0]
