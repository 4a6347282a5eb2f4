"""The query builder: every row, request and example entity becomes a :class:`Query` here.

One module turns outside input into queries, so the command line, the Python API and the HTTP
API read the same values the same way. The rules:

- The name is always screened. Only a row without a usable name (missing, empty, or over the
  bounds below) is an error.
- Secondary values are read as people write them: dates with or without zero padding, in
  day/month/year or month/day/year order, with month names, or a year alone; countries as ISO
  codes (alpha-2 or alpha-3), English or native names and common variants (rigour's territory
  data, through :func:`clearance.reference.resolve_country`); schemata by common names.
- A value that still cannot be read is left out of the query (never turned into a penalty)
  and reported as a warning on the row.
- Every value is bounded: name length, word length, names, identifiers and countries per
  query. Nothing a caller sends can make the screening of one query cost unbounded time or
  memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

from clearance.datafiles import load_data
from clearance.errors import InputError
from clearance.model import IDENTIFIER_PROPS, SCHEMATA, Query
from clearance.reference import resolve_country

#: the longest name screened, in characters (the longest listed names are about 300)
MAX_NAME_CHARS = 1000
#: the longest word of a name (no real name part comes near; a longer one is not a name)
MAX_WORD_CHARS = 100
#: names (the name and its aliases) per query, and their characters together
MAX_NAMES = 32
MAX_QUERY_CHARS = 4000
#: identifiers and countries per query
MAX_VALUES = 32
#: the longest secondary value (a date, country, identifier, schema) read, in characters
MAX_VALUE_CHARS = 256

#: FtM properties read as a query's countries, names and dates (``/match`` examples)
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry")
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
NAME_PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
DATE_PROPS = ("birthDate", "incorporationDate", "buildDate")

#: the field of a row that its reader could not read, with the reason
ERROR_FIELD = "__error__"

_SPLIT = re.compile(r"[;|]")
_COUNTRY_SPLIT = re.compile(r"[;|/]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ]\d[\d:.]*Z?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")
_WORDS = re.compile(r"[^\W\d_]+\.?|\d+")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
#: years a birth or incorporation date can have
_FIRST_YEAR, _LAST_YEAR = 1000, 2100


@dataclass(frozen=True)
class Columns:
    """Which input field holds which query value (the first one present wins)."""

    name: tuple[str, ...] = ("name",)
    schema: tuple[str, ...] = ("schema", "type")
    country: tuple[str, ...] = ("country",)
    birth_date: tuple[str, ...] = ("birth_date",)
    id_number: tuple[str, ...] = ("id_number", "identifiers")
    reference: tuple[str, ...] = ("reference",)
    aliases: tuple[str, ...] = ("aliases",)
    gender: tuple[str, ...] = ("gender",)

    def fields(self) -> tuple[tuple[str, ...], ...]:
        """Every field that goes into a query, the reference aside."""
        return (self.name, self.schema, self.country, self.birth_date, self.id_number,
                self.aliases, self.gender)  # fmt: skip


@dataclass(frozen=True)
class Built:
    """A query, with what could not be read in its row."""

    query: Query
    warnings: tuple[str, ...] = ()


@dataclass
class _Reading:
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


# -- plain values ---------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Text as screened: lone surrogates (not Unicode) replaced, control characters and runs of
    white space made one space."""
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(" ", value)
    return " ".join(value.split())


def texts(value: Any, split: re.Pattern[str] | None = _SPLIT) -> list[str]:
    """The distinct non-empty texts of a value: a string (split at ``;`` and ``|``), a number
    or a list of them. Nested values (objects) are read by their caption or name."""
    if value is None:
        return []
    items: Iterable[Any]
    if isinstance(value, str):
        items = split.split(value) if split is not None else [value]
    elif isinstance(value, list | tuple):
        items = value
    else:
        items = [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, Mapping):  # a nested FtM entity: its caption or first name
            names = item.get("properties", {}).get("name") or [""]
            item = item.get("caption") or (names[0] if isinstance(names, list) else names)
        if item is None or isinstance(item, Mapping | list | tuple):
            continue
        text = clean_text(str(item))
        if text and text not in out:
            out.append(text)
    return out


@cache
def _tables() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = load_data("query_values.yaml")
    schemata = {s.lower(): s for s in SCHEMATA}
    schemata.update({k.lower(): v for k, v in data["schemata"].items()})
    return {
        "schemata": schemata,
        "genders": {k.lower(): v for k, v in data["genders"].items()},
        "months": {k.lower(): int(v) for k, v in data["months"].items()},
    }


def read_schema(value: str, reading: _Reading | None = None) -> str:
    """The FtM schema a value names (``LegalEntity`` when empty or unknown, with a warning)."""
    text = " ".join(value.split()).lower()
    if not text:
        return "LegalEntity"
    schema = _tables()["schemata"].get(text)
    if schema is None:
        if reading is not None:
            reading.warn(
                f"schema {value[:MAX_VALUE_CHARS]!r} is not known: screened as a LegalEntity"
                f" (use one of {', '.join(SCHEMATA)})"
            )
        return "LegalEntity"
    return str(schema)


def read_gender(value: str, reading: _Reading) -> str:
    text = value.strip().lower()
    if not text:
        return ""
    gender = _tables()["genders"].get(text)
    if gender is None:
        reading.warn(f"gender {value[:MAX_VALUE_CHARS]!r} is not known: ignored")
        return ""
    return str(gender)


@lru_cache(maxsize=4096)
def _country(text: str) -> str:
    """The ISO code of one country spelling, or "" (bounded cache: callers send anything)."""
    if len(text) > MAX_VALUE_CHARS:
        return ""
    return resolve_country(text)


def read_countries(values: Iterable[str], reading: _Reading) -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes (lower case) of country values. A value is read whole first
    ("Korea, North"), then as a list separated by commas ("ru, ua")."""
    codes: dict[str, None] = {}
    for value in values:
        for part in _COUNTRY_SPLIT.split(value) if len(value) <= MAX_VALUE_CHARS else [value]:
            part = part.strip()
            if not part:
                continue
            code = _country(part)
            if code:
                codes[code] = None
                continue
            pieces = [p.strip() for p in part.split(",") if p.strip()]
            found = [_country(p) for p in pieces] if len(pieces) > 1 else []
            if found and all(found):
                codes.update(dict.fromkeys(found))
                continue
            reading.warn(f"country {part[:MAX_VALUE_CHARS]!r} is not a known country: ignored")
    if len(codes) > MAX_VALUES:
        reading.warn(f"more than {MAX_VALUES} countries: only the first {MAX_VALUES} are used")
    return tuple(codes)[:MAX_VALUES]


def _real(year: int, month: int = 1, day: int = 1) -> bool:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _prefix(year: int, month: int | None, day: int | None, value: str, reading: _Reading) -> str:
    """The longest real prefix of year, month, day; a warning when something was dropped."""
    if not _real(year):
        reading.warn(f"date {value!r} has no real year: ignored")
        return ""
    if month is None:
        return _iso(year)
    if not _real(year, month):
        reading.warn(f"date {value!r} has no real month: only the year {year} is used")
        return _iso(year)
    if day is None:
        return _iso(year, month)
    if not _real(year, month, day):
        kept = _iso(year, month)
        reading.warn(f"date {value!r} has no real day: only {kept} is used")
        return kept
    return _iso(year, month, day)


def _named_month(value: str, reading: _Reading) -> str | None:
    """A date written with a month name ("16 July 1969", "Jul 16, 1969", "16-JUL-1969",
    "July 1969"), or None when the value has no month name."""
    words = _WORDS.findall(value.lower())
    months = _tables()["months"]
    named = [months[w.rstrip(".")] for w in words if not w.isdigit() and w.rstrip(".") in months]
    others = [w for w in words if not w.isdigit() and w.rstrip(".") not in months]
    numbers = [w for w in words if w.isdigit()]
    if len(named) != 1 or others:
        return None
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) > 1 or len(numbers) != len(years) + len(days):
        return None
    return _prefix(years[0], named[0], days[0] if days else None, value, reading)


def read_date(value: str, reading: _Reading) -> str:
    """An ISO date or prefix (``1969``, ``1969-07``, ``1969-07-16``) of a date as written, or
    "" with a warning. A day/month order that both readings make a real date of
    (``05/07/1969``) keeps the year only."""
    value = value.strip()
    if not value:
        return ""
    if len(value) > MAX_VALUE_CHARS:
        reading.warn(f"date of {len(value)} characters is not a date: ignored")
        return ""
    if found := _ISO.match(value):
        y, m, d = found.groups()
        return _prefix(int(y), int(m) if m else None, int(d) if d else None, value, reading)
    if found := _COMPACT.match(value):
        y, m, d = found.groups()
        return _prefix(int(y), int(m), int(d), value, reading)
    if found := _NUMERIC.match(value):
        a, b, y = (int(g) for g in found.groups())
        day_first, month_first = _real(y, b, a), _real(y, a, b)
        if day_first and month_first and a != b:
            reading.warn(
                f"date {value!r} reads as day/month and as month/day: only the year {y} is used"
            )
            return _iso(y)
        if day_first:
            return _iso(y, b, a)
        if month_first:
            return _iso(y, a, b)
        if not _real(y):
            reading.warn(f"date {value!r} has no real year: ignored")
            return ""
        reading.warn(f"date {value!r} has no real day and month: only the year {y} is used")
        return _iso(y)
    named = _named_month(value, reading)
    if named is not None:
        return named
    years = {int(y) for y in _YEAR.findall(value)}
    if len(years) == 1 and _real(year := years.pop()):
        reading.warn(f"date {value!r} is not a full date: only the year {year} is used")
        return _iso(year)
    reading.warn(f"date {value!r} is not a date: ignored")
    return ""


def read_dates(values: list[str], reading: _Reading) -> str:
    """The first readable date of ``values`` (a query has one)."""
    for value in values:
        parsed = read_date(value, reading)
        if parsed:
            return parsed
    return ""


# -- names ----------------------------------------------------------------------------------


def check_name(name: str) -> None:
    """Refuse a name over the bounds, with a message that says which."""
    if len(name) > MAX_NAME_CHARS:
        raise InputError(
            f"name of {len(name):,} characters is longer than the {MAX_NAME_CHARS:,} screened"
        )
    longest = max((len(w) for w in name.split()), default=0)
    if longest > MAX_WORD_CHARS:
        raise InputError(
            f"name has a word of {longest:,} characters: no name part is longer than "
            f"{MAX_WORD_CHARS}"
        )


def _names(values: list[str]) -> list[str]:
    if not values:
        raise InputError("no name: the name is missing or empty")
    if len(values) > MAX_NAMES:
        raise InputError(f"{len(values)} names: a query may have at most {MAX_NAMES}")
    for value in values:
        check_name(value)
    total = sum(len(v) for v in values)
    if total > MAX_QUERY_CHARS:
        raise InputError(
            f"names of {total:,} characters together: a query may hold at most {MAX_QUERY_CHARS:,}"
        )
    return values


def _identifiers(values: list[str], reading: _Reading) -> tuple[str, ...]:
    kept: list[str] = []
    for value in values:
        if len(value) > MAX_VALUE_CHARS:
            reading.warn(f"identifier of {len(value):,} characters is not an identifier: ignored")
        elif value not in kept:
            kept.append(value)
    if len(kept) > MAX_VALUES:
        reading.warn(f"more than {MAX_VALUES} identifiers: only the first {MAX_VALUES} are used")
    return tuple(kept[:MAX_VALUES])


def _first(values: list[str]) -> str:
    return values[0] if values else ""


# -- rows and examples ----------------------------------------------------------------------


def _pick(row: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if name in row:
            return row[name]
    return None


def from_row(row: Mapping[str, Any], columns: Columns = Columns()) -> Built:
    """The query of one row of a file or of a ``/screen`` request. Values are strings (lists
    separated by ``;`` or ``|``) or lists. Raises :class:`InputError` only when the row has no
    usable name."""
    if ERROR_FIELD in row:  # a row its reader could not read (see clearance.screen_io)
        raise InputError(str(row[ERROR_FIELD]))
    reading = _Reading()
    names = texts(_pick(row, columns.name), split=None)
    aliases = [a for a in texts(_pick(row, columns.aliases)) if a not in names]
    names = _names(names[:1] + aliases)
    schema = read_schema(_first(texts(_pick(row, columns.schema), split=None)), reading)
    query = Query(
        name=names[0],
        schema=schema,
        country=read_countries(texts(_pick(row, columns.country), split=None), reading),
        birth_date=read_dates(texts(_pick(row, columns.birth_date)), reading),
        identifiers=_identifiers(texts(_pick(row, columns.id_number)), reading),
        gender=read_gender(_first(texts(_pick(row, columns.gender), split=None)), reading),
        reference=_first(texts(_pick(row, columns.reference), split=None)),
        aliases=tuple(names[1:]),
    )
    return Built(query, tuple(reading.warnings))


def from_example(schema: str, properties: Mapping[str, Any], reference: str = "") -> Built:
    """The query of a FollowTheMoney example entity (yente's ``/match``): names from
    ``name``, ``alias``, ``previousName`` and ``weakAlias`` (or the name parts), countries
    from the country properties, the first date of ``birthDate``, ``incorporationDate`` or
    ``buildDate``, identifiers from every identifier property."""
    reading = _Reading()
    names: list[str] = []
    for prop in NAME_PROPS:
        names += [n for n in texts(properties.get(prop), split=None) if n not in names]
    if not names:
        parts = [p for prop in NAME_PART_PROPS for p in texts(properties.get(prop), None)]
        if parts:
            names = [" ".join(parts)]
    names = _names(names)
    countries = [c for prop in COUNTRY_PROPS for c in texts(properties.get(prop), None)]
    dates = [d for prop in DATE_PROPS for d in texts(properties.get(prop), None)]
    identifiers = [v for prop in IDENTIFIER_PROPS for v in texts(properties.get(prop), None)]
    query = Query(
        name=names[0],
        schema=read_schema(schema, reading),
        country=read_countries(countries, reading),
        birth_date=read_dates(dates, reading),
        identifiers=_identifiers(identifiers, reading),
        gender=read_gender(_first(texts(properties.get("gender"), None)), reading),
        reference=reference,
        aliases=tuple(names[1:]),
    )
    return Built(query, tuple(reading.warnings))


def from_values(
    name: str,
    schema: str = "",
    countries: Iterable[str] = (),
    birth_date: str = "",
    identifiers: Iterable[str] = (),
    aliases: Iterable[str] = (),
) -> Built:
    """The query of one name and its facts given one by one (``clearance search``)."""
    row = {
        "name": name,
        "schema": schema,
        "country": list(countries),
        "birth_date": birth_date,
        "id_number": list(identifiers),
        "aliases": list(aliases),
    }
    return from_row(row)


def row_key(row: Mapping[str, Any], columns: Columns) -> str:
    """What the query of ``row`` is made of, its reference aside, as one string: rows with the
    same key get the same query and the same matches."""
    parts: list[str] = [str(row.get(ERROR_FIELD, ""))]
    for names in columns.fields():
        value = _pick(row, names)
        parts.append(
            value if isinstance(value, str) else "\x1e".join(map(str, value or ()))
            if isinstance(value, list | tuple) else "" if value is None else str(value)
        )  # fmt: skip
    return "\x1f".join(parts)
