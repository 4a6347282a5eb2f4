"""The IEEE MAC address registries (MA-L, MA-M, MA-S): who a block of addresses belongs to.

Not a sanctions list but reference data read like one (``clearance load ieee-oui PATH``,
``clearance update ieee-oui``), so every version is kept and a changed registry shows as a diff.
Asset screening looks the first 24, 28 or 36 bits of a MAC address up here and name-matches
the registered organisation against the lists.

read -> map: :func:`read_registry` reads IEEE's official CSV (``Registry,Assignment,
Organization Name,Organization Address``; addresses may span lines inside quotes) into
:class:`Assignment` rows, :func:`map_assignment` makes each an ``Organization`` entity with no
listing, id ``ieee-oui:<assignment>`` (the hex prefix: 6 digits for MA-L, 7 for MA-M, 9 for
MA-S, so the registries never collide). IEEE has assigned a few MA-L prefixes more than once
(``080030`` to three organisations): the repeats get ``-2``, ``-3``.

A folder is read whole: every CSV in it with IEEE's header, whatever its name (the downloads
are called ``oui.csv``, ``mam.csv`` and ``oui36.csv``, stored as ``oui_oui.csv``...).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from clearance.errors import ParseError
from clearance.model import Entity
from clearance.reference import country_code
from clearance.sources.base import Gates, Records, Source
from clearance.sources.common import numbered, read_text

SOURCE_ID = "ieee-oui"
HEADER = ("Registry", "Assignment", "Organization Name", "Organization Address")
#: registry -> hex digits of its assignments (24, 28 and 36 bits)
REGISTRIES: dict[str, int] = {"MA-L": 6, "MA-M": 7, "MA-S": 9}
#: the largest file IEEE publishes is about 4 MB; anything far larger is not a registry
MAX_FILE_BYTES = 64 * 1024 * 1024
_HEX = re.compile(r"^[0-9A-F]+$")
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class Assignment:
    """One row of a registry file, as published (whitespace collapsed)."""

    location: str
    registry: str
    assignment: str
    organization: str
    address: str

    @property
    def bits(self) -> int:
        return len(self.assignment) * 4


def is_registry_file(path: Path) -> bool:
    """Whether ``path`` starts with IEEE's registry header."""
    try:
        with path.open("rb") as fh:
            head = fh.read(200).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    first = head.splitlines()[0] if head else ""
    return tuple(c.strip() for c in first.split(",")) == HEADER


def read_registry(path: Path) -> list[Assignment]:
    """The assignments of one registry CSV. ParseError on anything that is not one."""
    name = str(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ParseError(name, None, f"the file is larger than {MAX_FILE_BYTES:,} bytes")
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    header = next(reader, None)
    if header is None or tuple(c.strip() for c in header) != HEADER:
        raise ParseError(name, "line 1", f"expected the IEEE header {','.join(HEADER)}")
    rows: list[Assignment] = []
    for row in reader:
        location = f"line {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            raise ParseError(name, location, f"expected {len(HEADER)} fields, got {len(row)}")
        registry, assignment, organization, address = (" ".join(c.split()) for c in row)
        assignment = assignment.upper()
        digits = REGISTRIES.get(registry)
        if digits is None:
            raise ParseError(name, location, f"unknown registry {registry!r}")
        if len(assignment) != digits or not _HEX.match(assignment):
            raise ParseError(
                name, location, f"{registry} assignment {assignment!r} is not {digits} hex digits"
            )
        if not organization:
            raise ParseError(name, location, f"assignment {assignment} has no organisation")
        rows.append(Assignment(location, registry, assignment, organization, address))
    if not rows:
        raise ParseError(name, None, "the file has a header but no assignments")
    return rows


def address_country(address: str) -> str:
    """The country of an IEEE address: its last two-letter country code among the final
    tokens ("... Ferndale WA US 98248" -> ``us``), else ""."""
    for token in reversed(address.split()[-3:]):
        if len(token) == 2 and token.isalpha() and token.isupper():
            code = country_code(token)
            if code:
                return code
    return ""


def map_assignment(source_id: str, row: Assignment) -> Entity:
    entity = Entity(source=SOURCE_ID, source_id=source_id, schema="Organization")
    entity.add_name(row.organization)
    entity.add("address", row.address or None)
    entity.add("country", address_country(row.address) or None)
    entity.record = {
        "registry": row.registry,
        "assignment": row.assignment,
        "organization": row.organization,
        "address": row.address,
    }
    return entity


def map_assignments(rows: Iterable[Assignment]) -> list[Entity]:
    rows = list(rows)
    ids = numbered(row.assignment for row in rows)
    return [map_assignment(source_id, row) for source_id, row in zip(ids, rows, strict=True)]


class IeeeOuiSource(Source):
    id: ClassVar[str] = SOURCE_ID
    title: ClassVar[str] = "IEEE MAC address registries (MA-L, MA-M, MA-S)"
    # MA-L alone has held more than 20,000 assignments since 2014
    gates: ClassVar[Gates] = Gates(min_entities=20_000)
    base_url: ClassVar[str] = "https://standards-oui.ieee.org/"
    remote_files: ClassVar[tuple[str, ...]] = ("oui/oui.csv", "oui28/mam.csv", "oui36/oui36.csv")
    formats: ClassVar[tuple[str, ...]] = ("ieee-registry-csv",)
    #: reference data: read to identify makers, never screened as parties
    screened: ClassVar[bool] = False

    def locate(self, path: Path) -> tuple[Path, ...]:
        """A registry file, or every registry file of a folder (whatever their names)."""
        if path.is_file():
            return (path,)
        if not path.is_dir():
            raise ParseError(str(path), None, "no such file or folder")
        found = sorted(p for p in path.iterdir() if p.is_file() and is_registry_file(p))
        if not found:
            raise ParseError(str(path), None, "no IEEE registry CSV (oui.csv, mam.csv, oui36.csv)")
        return tuple(found)

    def read_records(self, files: tuple[Path, ...]) -> Records:
        dated = [m.group(1) for p in files if (m := _DATE_IN_NAME.search(p.name))]
        rows = [row for file in files for row in read_registry(file)]
        return Records(rows, "ieee-registry-csv", max(dated, default=""))

    def map_records(self, records: Sequence[Any]) -> list[Entity]:
        return map_assignments(records)

    def stats(self, entities: Sequence[Entity], records: Sequence[Any]) -> dict[str, int]:
        return dict(Counter(row.registry for row in records))
