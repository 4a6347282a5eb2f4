"""Helpers shared by the readers: finding files, hashing, XML local names, dates, errors."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from clearance.errors import ParseError


def find_file(folder: Path, *names: str) -> Path | None:
    """The first file in ``folder`` whose name matches one of ``names``, case-insensitively."""
    if not folder.is_dir():
        return None
    by_lower = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    for name in names:
        found = by_lower.get(name.lower())
        if found is not None:
            return found
    return None


def locate_file(path: Path, *names: str) -> Path:
    """The file to read: ``path`` itself, or in a folder the first of ``names`` it holds."""
    if path.is_dir():
        found = find_file(path, *names)
        if found is None:
            raise ParseError(str(path), None, f"no {names[0]} in this folder")
        return found
    if not path.is_file():
        raise ParseError(str(path), None, "no such file")
    return path


def numbered(keys: Iterable[str]) -> Iterator[str]:
    """Each key as it is the first time, then ``KEY-2``, ``KEY-3``...: list files repeat a row
    verbatim now and then, and each repeat still needs an id of its own."""
    seen: Counter[str] = Counter()
    for key in keys:
        seen[key] += 1
        yield key if seen[key] == 1 else f"{key}-{seen[key]}"


def hash_files(paths: Iterable[Path]) -> str:
    """sha256 over the raw bytes of ``paths`` (each prefixed with its lower-cased file name)."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name.lower()):
        digest.update(path.name.lower().encode() + b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def localname(tag: object) -> str:
    """The local name of an lxml tag, whatever its namespace (namespaces differ by year)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def read_text(path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else Windows-1252 as OFAC uses."""
    raw = path.read_bytes()
    if not raw.strip():
        raise ParseError(str(path), None, "the file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), (3, 1, 2)),  # US m/d/Y
)

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def iso_date(value: str | None) -> str:
    """Best-effort ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) from list date formats.

    Handles ``2019-10-09``, ``10/09/2019`` (US), ``09 Oct 2019``, ``Oct 2019`` and ``1970``;
    returns "" when nothing date-like is found.
    """
    if not value:
        return ""
    text = value.strip()
    for pattern, (y, m, d) in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            return f"{int(match.group(y)):04d}-{int(match.group(m)):02d}-{int(match.group(d)):02d}"
    match = re.match(r"^(?:(\d{1,2})\s+)?([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})$", text)
    if match and match.group(2).lower() in _MONTHS:
        month = _MONTHS[match.group(2).lower()]
        if match.group(1):
            return f"{match.group(3)}-{month:02d}-{int(match.group(1)):02d}"
        return f"{match.group(3)}-{month:02d}"
    match = re.match(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$", text)
    if match and match.group(1).lower() in _MONTHS:
        month = _MONTHS[match.group(1).lower()]
        return f"{match.group(3)}-{month:02d}-{int(match.group(2)):02d}"
    match = re.match(r"^(\d{4})$", text)
    if match:
        return match.group(1)
    return ""
