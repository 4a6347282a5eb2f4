"""Read OFAC's legacy CSV files into :class:`~clearance.sources.ofac.records.OfacEntry`.

A set is a main file (``sdn.csv`` / ``cons_prim.csv``, 12 fields per row) with optional
address (6 fields), alternate name (5 fields) and comments (2 fields) files linked by the
entry number; see OFAC's ``cons_dat_spec.txt``. ``-0-`` is the null marker, rows end with
CRLF and the files with a 0x1A byte. The comments file continues remarks that were cut at
1000 characters. Anything else is a :class:`~clearance.errors.ParseError` naming the file
and line: a reader that guessed would silently drop or invent listed parties.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clearance.errors import ParseError
from clearance.sources.ofac.records import OfacAddress, OfacAlias, OfacEntry
from clearance.sources.ofac.remarks import parse_remarks

_NULL = "-0-"
_TYPES = {
    "": "entity",
    "entity": "entity",
    "individual": "individual",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
_ALIAS_TYPES = {"aka": "aka", "fka": "fka", "nka": "nka"}
_PROGRAM_SPLIT = re.compile(r"\]\s*\[")


@dataclass(frozen=True)
class CsvSet:
    """The files of one CSV publication; only ``main`` is required."""

    main: Path
    add: Path | None = None
    alt: Path | None = None
    comments: Path | None = None

    def files(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.main, self.add, self.alt, self.comments) if p)


def decode(path: Path, raw: bytes, required: bool = True) -> str:
    """The text of a list file: UTF-8 (else Windows-1252), without the 0x1A end marker.

    Raises ParseError for an empty file if it is ``required`` (a main file; the comments file
    of a set is often empty).
    """
    body = raw.rstrip(b"\x1a")
    if not body.strip():
        if not required:
            return ""
        raise ParseError(str(path), None, "the file is empty")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


_TRUNCATED = "the file stops there without a line break: it is cut off or not an OFAC file"


def read_bytes(path: Path) -> bytes:
    """The raw bytes of a file, gunzipped for ``*.gz``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParseError(str(path), None, f"cannot open the file ({exc.strerror})") from None
    if path.name.lower().endswith(".gz"):
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ParseError(str(path), None, f"broken gzip data ({exc})") from None
    return raw


def rows(path: Path, width: int, required: bool = False) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of each row, ``-0-`` read as ""; blank lines are skipped.

    Every row ends with a line break, so a last row without one is a cut-off file.
    """
    text = decode(path, read_bytes(path), required)
    complete = not text or text.endswith("\n")
    last_line = text.count("\n") + (0 if complete else 1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)

    def fail(problem: str) -> ParseError:
        if not complete and reader.line_num >= last_line:
            problem = f"{problem}; also, {_TRUNCATED}"
        return ParseError(str(path), f"line {reader.line_num}", problem)

    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                preview = ",".join(row)[:60]
                raise fail(f"expected {width} fields, found {len(row)} ({preview!r})")
            # "-0- " is OFAC's null; strip and null-check inline (this loop sees every field)
            yield (
                reader.line_num,
                ["" if (value := field.strip()) == _NULL else value for field in row],
            )
    except csv.Error as exc:
        raise fail(f"broken CSV quoting ({exc})") from None
    if not complete:
        raise ParseError(str(path), f"line {last_line}", _TRUNCATED)


def _number(path: Path, line: int, value: str, what: str) -> str:
    if not (value.isascii() and value.isdigit()):
        raise ParseError(str(path), f"line {line}", f"{what} {value!r} is not a number")
    return value


def read_set(files: CsvSet) -> list[OfacEntry]:
    """All entries of a CSV set, with addresses, aliases and spilled-over remarks joined."""
    entries = _read_main(files.main)
    if files.comments is not None:
        _read_comments(files.comments, entries)
    for entry in entries.values():
        entry.facts = parse_remarks(entry.remarks)
    if files.add is not None:
        _read_addresses(files.add, files.main, entries)
    if files.alt is not None:
        _read_aliases(files.alt, files.main, entries)
    return list(entries.values())


def _read_main(path: Path) -> dict[str, OfacEntry]:
    entries: dict[str, OfacEntry] = {}
    for line, f in rows(path, 12, required=True):
        uid = _number(path, line, f[0], "entry number")
        if uid in entries:
            raise ParseError(str(path), f"line {line}", f"entry number {uid} occurs twice")
        if not f[1]:
            raise ParseError(str(path), f"line {line}", f"entry {uid} has no name")
        kind = _TYPES.get(f[2].lower())
        if kind is None:
            raise ParseError(str(path), f"line {line}", f"unknown entry type {f[2]!r}")
        entries[uid] = OfacEntry(
            uid=uid,
            name=f[1],
            type=kind,
            programs=split_programs(f[3]),
            title=f[4],
            call_sign=f[5],
            vessel_type=f[6],
            tonnage=f[7],
            grt=f[8],
            vessel_flag=f[9],
            vessel_owner=f[10],
            remarks=f[11],
        )
    return entries


def split_programs(value: str) -> tuple[str, ...]:
    """``SDGT] [IRGC`` (the CSV program field) -> ``("SDGT", "IRGC")``."""
    parts = (p.strip().strip("[]").strip() for p in _PROGRAM_SPLIT.split(value))
    return tuple(p for p in parts if p)


def _read_comments(path: Path, entries: dict[str, OfacEntry]) -> None:
    # The comments file may name entries that are no longer listed: OFAC does not prune it.
    for line, f in rows(path, 2):
        uid = _number(path, line, f[0], "entry number")
        entry = entries.get(uid)
        if entry is not None and f[1]:
            entry.remarks += f[1]


def _linked(
    path: Path, main: Path, line: int, uid: str, entries: dict[str, OfacEntry]
) -> OfacEntry:
    entry = entries.get(_number(path, line, uid, "entry number"))
    if entry is None:
        raise ParseError(
            str(path),
            f"line {line}",
            f"entry {uid} is not in {main.name}: the files are not from the same publication",
        )
    return entry


def _read_addresses(path: Path, main: Path, entries: dict[str, OfacEntry]) -> None:
    for line, f in rows(path, 6):
        entry = _linked(path, main, line, f[0], entries)
        if f[2] or f[3] or f[4]:
            address = OfacAddress(uid=f[1], street=f[2], city=f[3], country=f[4], remarks=f[5])
            entry.addresses.append(address)


def _read_aliases(path: Path, main: Path, entries: dict[str, OfacEntry]) -> None:
    for line, f in rows(path, 5):
        entry = _linked(path, main, line, f[0], entries)
        kind = _ALIAS_TYPES.get(f[2].lower().replace(".", ""))
        if kind is None:
            raise ParseError(str(path), f"line {line}", f"unknown alias type {f[2]!r}")
        if f[3]:
            entry.aliases.append(OfacAlias(uid=f[1], type=kind, name=f[3], remarks=f[4]))
