"""Shared reading of the CSV transcriptions of lists published only as notices or PDFs.

Lists such as the BIS Military-Intelligence End User list or the PRC counter-sanctions are
published in Federal Register notices and ministry announcements; the machine-readable form
is a transcription, a UTF-8 CSV with a fixed header. :func:`read_rows` checks the header and
the shape of every row and returns the cells as text, so each source module only maps.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii

from clearance.errors import ParseError
from clearance.sources.common import read_text


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its location (``line N``) and its cells by column name."""

    location: str
    cells: dict[str, str]


def read_rows(path: Path, header: tuple[str, ...], what: str) -> list[Row]:
    """The rows of a transcription CSV with exactly ``header``; whitespace is collapsed.

    ParseError (file and line) for a wrong header, a row with the wrong number of fields,
    broken quoting, or a file with a header and no rows.
    """
    name = str(path)
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    rows: list[Row] = []
    try:
        first = next(reader, None)
        if first is None or tuple(h.strip().lower() for h in first) != tuple(
            h.lower() for h in header
        ):
            raise ParseError(name, "line 1", f"this is not the {what} (header)")
        for raw in reader:
            location = f"line {reader.line_num}"
            if not any(cell.strip() for cell in raw):
                continue
            if len(raw) != len(header):
                raise ParseError(
                    name, location, f"the row has {len(raw)} fields, expected {len(header)}"
                )
            cells = {h: " ".join(cell.split()) for h, cell in zip(header, raw, strict=True)}
            rows.append(Row(location, cells))
    except csv.Error as exc:
        raise ParseError(name, f"line {reader.line_num}", f"broken file ({exc})") from None
    if not rows:
        raise ParseError(name, None, "the file has a header but no rows")
    return rows


def split_names(value: str) -> list[str]:
    """The names of a multi-valued cell (``;``-separated)."""
    return [part.strip() for part in value.split(";") if part.strip()]


def digest(*parts: str, size: int = 8) -> str:
    """A short hex digest of ``parts`` (upper-cased, whitespace collapsed)."""
    basis = "\x1f".join(" ".join(p.upper().split()) for p in parts)
    return hashlib.sha1(basis.encode()).hexdigest()[:size]


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(value: str, limit: int = 60) -> str:
    """A readable ASCII key of a name: ``North Sea Trading Office`` ->
    ``north-sea-trading-office``; a name with no letters or digits gets a digest."""
    text = _NON_SLUG.sub("-", anyascii(value).lower()).strip("-")
    if not text:
        return digest(value, size=16)
    return text[:limit].rstrip("-")
