"""The party book: rows of a file (or an HTTP request) read into parties, and what an import
changes. Pure: the service writes what :func:`plan_import` decides.

A party is keyed by its ``reference`` (required, unique in a file). What is screened of it is
read by the one query builder (:func:`clearance.queries.from_row`), and its fingerprint is the
query's: a row written differently but read alike is unchanged. The fields that make the query
are kept under their own names; the other columns of the row are kept beside them (bounded).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from clearance.errors import ClearanceError, InputError
from clearance.model import Query
from clearance.monitor.alerts import party_fingerprint
from clearance.queries import (
    ERROR_FIELD,
    MAX_VALUE_CHARS,
    Built,
    Columns,
    clean_text,
    from_row,
)

#: the longest reference kept
MAX_REFERENCE = 200
#: other columns kept with a party, and their longest value
MAX_EXTRA = 50
MAX_EXTRA_CHARS = 1000
#: the columns of ``clearance screen`` (a file's own names are mapped with ``--*-column``)
DEFAULT_COLUMNS = Columns()
#: the fields of a party's query, as the book stores them (the default columns of ``screen``)
FIELDS = ("name", "schema", "country", "birth_date", "id_number", "aliases", "gender")


@dataclass(frozen=True)
class Party:
    """A party read from a row: its reference, what is kept of it, its query."""

    row: int
    reference: str
    #: the query's fields under their own names (``FIELDS``), and ``extra`` columns
    data: dict[str, Any]
    query: Query
    fingerprint: str
    warnings: tuple[str, ...] = ()

    @property
    def built(self) -> Built:
        """The query as the batch engine would read the party's screening row."""
        return Built(self.query, self.warnings)


@dataclass(frozen=True)
class RowError:
    row: int
    reference: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "reference": self.reference or None, "message": self.message}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v is not None)
    return str(value)


def _value(value: Any) -> Any:
    """A field value as kept: text, or a list of texts."""
    if isinstance(value, list | tuple):
        return [clean_text(str(v)) for v in value if v is not None and str(v).strip()]
    return clean_text(_text(value))


def read_party(
    number: int, row: Mapping[str, Any], columns: Columns = DEFAULT_COLUMNS
) -> Party | RowError:
    """The party of one row, or why it cannot be one (no reference, no usable name)."""
    reference = next((clean_text(_text(row[c])) for c in columns.reference if c in row), "")
    if ERROR_FIELD in row:
        return RowError(number, reference, str(row[ERROR_FIELD]))
    if not reference:
        return RowError(number, "", "no reference: every party of the book needs one")
    if len(reference) > MAX_REFERENCE:
        return RowError(number, reference[:40], f"reference longer than {MAX_REFERENCE} characters")
    data: dict[str, Any] = {}
    used: set[str] = set(columns.reference)
    for name, names in zip(FIELDS, _field_columns(columns), strict=True):
        used.update(names)
        found = next((row[c] for c in names if c in row), None)
        value = _value(found)
        if value:
            data[name] = value
    extra = {
        str(k)[:MAX_VALUE_CHARS]: _text(v)[:MAX_EXTRA_CHARS]
        for k, v in row.items()
        if k not in used and _text(v).strip()
    }
    if extra:
        data["extra"] = dict(list(extra.items())[:MAX_EXTRA])
    try:
        # read as the batch engine reads it, so the screening can take this query as it is
        built = from_row(screening_row(reference, data))
    except ClearanceError as exc:
        return RowError(number, reference, str(exc))
    query = built.query
    return Party(number, reference, data, query, party_fingerprint(query), built.warnings)


def _field_columns(columns: Columns) -> tuple[tuple[str, ...], ...]:
    return (
        columns.name,
        columns.schema,
        columns.country,
        columns.birth_date,
        columns.id_number,
        columns.aliases,
        columns.gender,
    )


def screening_row(reference: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The row a party is screened as (the default columns of the batch engine)."""
    out = {k: v for k, v in data.items() if k in FIELDS}
    out["reference"] = reference
    return out


class BookImport:
    """Rows of a file compared with the book (reference -> fingerprint), one at a time: the
    parties added and changed come out of :meth:`parties` as they are read (to be screened),
    the others are counted; a reference seen again is an error on the later row. After the
    rows, :meth:`removed` names the parties of the book the file does not name (for
    ``--replace``)."""

    def __init__(self, book: Mapping[str, str], columns: Columns = DEFAULT_COLUMNS) -> None:
        self.book, self.columns = book, columns
        self.seen: dict[str, int] = {}
        self.added = self.changed = self.unchanged = self.warnings = 0
        self.errors: list[RowError] = []

    def parties(self, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> Iterator[Party]:
        for number, row in rows:
            party = read_party(number, row, self.columns)
            if isinstance(party, RowError):
                self.errors.append(party)
                if party.reference and len(party.reference) <= MAX_REFERENCE:
                    self.seen.setdefault(party.reference, number)  # a bad row removes nothing
                continue
            first = self.seen.get(party.reference)
            if first is not None:
                self.errors.append(
                    RowError(number, party.reference, f"reference already on row {first}")
                )
                continue
            self.seen[party.reference] = number
            self.warnings += bool(party.warnings)
            known = self.book.get(party.reference)
            if known == party.fingerprint:
                self.unchanged += 1
                continue
            if known is None:
                self.added += 1
            else:
                self.changed += 1
            yield party

    def removed(self) -> list[str]:
        return sorted(set(self.book) - set(self.seen))

    def summary(self, removed: int = 0) -> dict[str, int]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "removed": removed,
            "errors": len(self.errors),
            "warnings": self.warnings,
        }


def check_reference(reference: str) -> str:
    reference = clean_text(reference)
    if not reference or len(reference) > MAX_REFERENCE:
        raise InputError(f"A party reference has 1 to {MAX_REFERENCE} characters.")
    return reference
