"""The party book: rows of a file (or an HTTP request) read into parties, and what an import
changes. Pure: the service writes what :func:`plan_import` decides.

A party is keyed by its ``reference`` (required, unique in a file). What is screened of it is
read by the one query builder (:func:`clearance.queries.from_row`), and its fingerprint is the
query's: a row written differently but read alike is unchanged. The fields that make the query
are kept under their own names; the other columns of the row are kept beside them (bounded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from clearance.errors import ClearanceError, InputError
from clearance.model import Query
from clearance.monitor.alerts import party_fingerprint
from clearance.queries import ERROR_FIELD, MAX_VALUE_CHARS, Columns, clean_text, from_row

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
        built = from_row({k: v for k, v in data.items() if k != "extra"})
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


@dataclass
class ImportPlan:
    """What importing a file does to the book."""

    added: list[Party] = field(default_factory=list)
    changed: list[Party] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "errors": len(self.errors),
        }


def plan_import(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    book: Mapping[str, str],
    columns: Columns = DEFAULT_COLUMNS,
    replace: bool = False,
) -> ImportPlan:
    """Compare numbered rows with the book (reference -> fingerprint): parties added, changed
    (their screened data differs), unchanged, and with ``replace`` those of the book the rows
    do not name. A reference seen again in the rows is an error on the later row."""
    plan = ImportPlan()
    seen: dict[str, int] = {}
    for number, row in rows:
        party = read_party(number, row, columns)
        if isinstance(party, RowError):
            plan.errors.append(party)
            if party.reference and len(party.reference) <= MAX_REFERENCE:
                seen.setdefault(party.reference, number)
            continue
        first = seen.get(party.reference)
        if first is not None:
            plan.errors.append(
                RowError(number, party.reference, f"reference already on row {first}")
            )
            continue
        seen[party.reference] = number
        plan.warnings += bool(party.warnings)
        known = book.get(party.reference)
        if known is None:
            plan.added.append(party)
        elif known != party.fingerprint:
            plan.changed.append(party)
        else:
            plan.unchanged += 1
    if replace:
        plan.removed = sorted(set(book) - set(seen))
    return plan


def check_reference(reference: str) -> str:
    reference = clean_text(reference)
    if not reference or len(reference) > MAX_REFERENCE:
        raise InputError(f"A party reference has 1 to {MAX_REFERENCE} characters.")
    return reference
