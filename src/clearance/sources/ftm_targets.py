"""OpenSanctions ``targets.simple.csv``: one row per screening target, multi-values in cells.

read -> map: :func:`read_targets` gives :class:`TargetRecord` rows, :func:`map_target` an
:class:`~clearance.model.Entity` with id ``ftm:<dataset>:<OpenSanctions id>`` (the same id space
as the FtM JSON export). Multi-valued cells are themselves ``;``-separated CSV (values that contain
``;`` or quotes are quoted). Rows of schemata that are not screenable are skipped and counted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rigour.ids import BIC, INN, LEI, OGRN

from clearance.errors import ParseError
from clearance.model import Entity, Listing
from clearance.reference import list_info
from clearance.sources.common import read_text
from clearance.sources.ftmdata import schema_props, thing_schema

REQUIRED = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "dataset",
    "first_seen",
    "last_seen",
    "last_change",
)
MULTI = (
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "program_ids",
)
LIST_CODE = "OPENSANCTIONS"
_MMSI = re.compile(r"^\d{9}$")
_IMO = re.compile(r"^IMO\s*(\d{7})$", re.IGNORECASE)
_CALL_SIGN = re.compile(r"^[A-Z0-9]{3,7}$")


@dataclass(frozen=True, slots=True)
class TargetRecord:
    location: str
    id: str
    schema: str
    name: str
    dataset: str
    values: Mapping[str, tuple[str, ...]]
    raw: Mapping[str, str]


def is_targets_header(first_line: str) -> bool:
    header = next(csv.reader([first_line]), [])
    return set(REQUIRED) <= {h.strip() for h in header}


def _multi(cell: str, name: str, location: str) -> tuple[str, ...]:
    if not cell:
        return ()
    if '"' not in cell:  # nothing quoted: a plain split is the same, and much cheaper
        return tuple(v.strip() for v in cell.split(";") if v.strip())
    try:
        values = next(csv.reader([cell], delimiter=";"), [])
    except csv.Error as exc:
        raise ParseError(name, location, f"broken multi-value cell ({exc})") from None
    return tuple(v.strip() for v in values if v.strip())


def read_targets(path: Path) -> list[TargetRecord]:
    """Read a ``targets.simple.csv`` export. ParseError (file, line) on bad input."""
    name = str(path)
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    records: list[TargetRecord] = []
    try:
        header = [h.strip() for h in next(reader)]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ParseError(
                name, "line 1", f"not an OpenSanctions targets.simple.csv (no {missing[0]})"
            )
        for row in reader:
            location = f"line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ParseError(
                    name, location, f"the row has {len(row)} fields, the header {len(header)}"
                )
            cells = dict(zip(header, row, strict=True))
            empty = [k for k in ("id", "schema", "name") if not cells[k].strip()]
            if empty:
                raise ParseError(name, location, f"the row has no {empty[0]}")
            records.append(
                TargetRecord(
                    location=location,
                    id=cells["id"].strip(),
                    schema=cells["schema"].strip(),
                    name=cells["name"].strip(),
                    dataset=cells["dataset"].strip(),
                    values={k: _multi(cells.get(k, ""), name, location) for k in MULTI},
                    raw=cells,
                )
            )
    except csv.Error as exc:
        raise ParseError(name, f"line {reader.line_num}", f"broken CSV ({exc})") from None
    return records


def identifier_prop(value: str, schema: str) -> tuple[str, str]:
    """The FtM property an identifier of this schema belongs to, and its value."""
    props = schema_props(schema)
    imo = _IMO.match(value)
    if imo and "imoNumber" in props:
        return "imoNumber", f"IMO{imo.group(1)}"
    if schema in ("Vessel", "Airplane"):
        if schema == "Vessel" and _MMSI.match(value):
            return "mmsi", value
        if schema == "Vessel" and _CALL_SIGN.match(value):
            return "callSign", value
        return "registrationNumber", value
    for prop, fmt in (("innCode", INN), ("ogrnCode", OGRN), ("leiCode", LEI), ("swiftBic", BIC)):
        if fmt.is_valid(value):
            return prop, value
    return "idNumber", value


def _date_prop(schema: str) -> str:
    if schema == "Person":
        return "birthDate"
    return "buildDate" if schema in ("Vessel", "Airplane") else "incorporationDate"


def map_target(record: TargetRecord, source: str) -> Entity | None:
    """The entity of a row for ``source`` (``ftm:<dataset>``), or None for a schema that is
    not screenable."""
    schema = thing_schema(record.schema)
    if schema is None:
        return None
    props = schema_props(schema)
    entity = Entity(source=source, source_id=record.id, schema=schema)
    entity.add_name(record.name)
    for alias in record.values["aliases"]:
        entity.add_name(alias, "alias")
    entity.add(_date_prop(schema), record.values["birth_date"])
    entity.add("country", [c.lower() for c in record.values["countries"]])
    entity.add("address", record.values["addresses"])
    for value in record.values["identifiers"]:
        prop, value = identifier_prop(value, schema)
        entity.add(prop, value)
    for prop, key in (("phone", "phones"), ("email", "emails")):
        if prop in props:
            entity.add(prop, record.values[key])
    info = list_info(LIST_CODE)
    entity.listings.append(
        Listing(
            list=LIST_CODE,
            effect=info.effect,
            programs=record.values["program_ids"],
            authority=record.dataset or info.authority,
            reason="; ".join(record.values["sanctions"]),
        )
    )
    raw: dict[str, Any] = dict(record.raw)
    entity.record = raw
    return entity
