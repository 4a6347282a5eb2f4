"""A statutory list's curated YAML file: typed records, strict validation, edition counts.

:func:`load_file` parses and validates a file into :class:`ListFile` and :class:`Party`
records; a file that breaks the structure raises :class:`ParseError` naming the file and the
entry. :func:`edition_counts` counts what a file holds in force on each edition's date, as
the publication counts it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, cast

import yaml

from clearance.datafiles import YAML_LOADER
from clearance.errors import ParseError
from clearance.model import NameKind
from clearance.reference import effects, lists

FORMAT = "clearance-yaml"
DATA_FOLDER = ("data", "statutory")

_FILE_REQUIRED = ("source", "list", "authority", "effect", "source_url", "entries")
_FILE_OPTIONAL = (
    "published", "as_of", "title", "program", "topics", "source_document", "editions",
    "equipment_classes", "reason", "categories",
)  # fmt: skip
_ENTRY_REQUIRED = ("id", "schema", "name", "listed", "source_url")
_ENTRY_OPTIONAL = (
    "native_names", "aliases", "weak_aliases", "previous_names", "country", "parent",
    "editions", "reason", "notes", "covered", "row", "updated", "source_document", "categories",
    "listed_with",
)  # fmt: skip
_CLASS_REQUIRED = ("id", "name", "listed", "source_url")
_CLASS_OPTIONAL = ("row", "updated", "covered", "notes")

_SCHEMATA = ("Company", "Organization", "LegalEntity", "Person")
_NAME_LISTS: tuple[tuple[str, NameKind], ...] = (
    ("aliases", "alias"),
    ("weak_aliases", "weakAlias"),
    ("previous_names", "previousName"),
)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COUNTRY = re.compile(r"^[a-z]{2}$")
_LANG = re.compile(r"^[a-z]{2,3}$")


# -- typed records --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One listing period; ``end`` is empty while the listing is in force."""

    start: str
    end: str = ""


@dataclass(frozen=True)
class Party:
    """One listed party of a statutory list file, validated."""

    id: str
    schema: str
    names: tuple[tuple[str, NameKind, str], ...]  # (value, kind, lang)
    countries: tuple[str, ...]
    periods: tuple[Period, ...]
    source_url: str
    reason: str
    notes: str
    parent: str
    raw: Mapping[str, Any]
    #: the parts of the list the party is listed under (codes of the file's ``categories``)
    categories: tuple[str, ...] = ()
    #: the entry whose row names this party too (a subsidiary): counted with that entry
    listed_with: str = ""
    #: the list's row number, where the publication numbers its rows
    row: int = 0

    @property
    def active(self) -> bool:
        return any(not p.end for p in self.periods)

    def in_force(self, day: str) -> bool:
        """Listed on ``day`` (ISO date): a period has started and not yet ended."""
        return any(p.start <= day and (not p.end or day < p.end) for p in self.periods)


@dataclass(frozen=True)
class Edition:
    """One publication of the list: its date, address, title and the count it states."""

    date: str
    url: str
    document: str
    #: entries the publication counts (None: it states no count)
    count: int | None
    #: whether the file holds every entry of this edition
    complete: bool
    #: entries the publication states it added to the list (None: it states no number)
    added: int | None = None


@dataclass(frozen=True)
class EquipmentClass:
    """A row covering a class of equipment, whoever makes it (names no party)."""

    id: str
    row: int
    periods: tuple[Period, ...]

    def in_force(self, day: str) -> bool:
        return any(p.start <= day and (not p.end or day < p.end) for p in self.periods)


@dataclass(frozen=True)
class ListFile:
    """A statutory list file: its header and its parties."""

    path: Path
    source: str
    list_code: str
    effect: str
    authority: str
    program: str
    published: str
    source_url: str
    source_document: str
    topics: tuple[str, ...]
    parties: tuple[Party, ...]
    equipment_classes: tuple[EquipmentClass, ...] = ()
    editions: tuple[Edition, ...] = ()
    #: category code -> what listing under it means
    categories: Mapping[str, str] = dataclass_field(default_factory=dict)


# -- validation helpers ---------------------------------------------------------------------


class _Checker:
    """Raises ParseError naming the file and the entry being read."""

    def __init__(self, path: Path, where: str) -> None:
        self.path = path
        self.where = where

    def fail(self, problem: str) -> ParseError:
        return ParseError(str(self.path), self.where, problem)

    def mapping(
        self, value: Any, required: Sequence[str], optional: Sequence[str]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"expected a mapping, found {type(value).__name__}")
        unknown = sorted(str(k) for k in value if k not in required and k not in optional)
        if unknown:
            known = ", ".join((*required, *optional))
            raise self.fail(f"unknown field {unknown[0]!r} (known fields: {known})")
        missing = [k for k in required if value.get(k) in (None, "", [])]
        if missing:
            raise self.fail(f"the required field {missing[0]!r} is missing or empty")
        return value

    def text(self, value: Any, field: str, default: str = "") -> str:
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(f"{field!r} must be text, found {type(value).__name__}")
        return " ".join(value.split())

    def texts(self, value: Any, field: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(f"{field!r} must be a list, found {type(value).__name__}")
        out = tuple(self.text(v, field) for v in value)
        if any(not v for v in out):
            raise self.fail(f"{field!r} contains an empty value")
        return out

    def date(self, value: Any, field: str) -> str:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise self.fail(f"{field!r} must be a date YYYY-MM-DD, found {value!r}")

    def dates(self, value: Any, field: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(f"{field!r} must be a list of dates, found {type(value).__name__}")
        return tuple(self.date(v, field) for v in value)

    def url(self, value: Any, field: str) -> str:
        url = self.text(value, field)
        if not url.startswith(("https://", "http://")):
            raise self.fail(f"{field!r} must be an http(s) URL, found {url!r}")
        return url

    def slug(self, value: Any) -> str:
        if not isinstance(value, str) or not _SLUG.match(value):
            raise self.fail(
                f"'id' must be a lower-case slug like 'example-company-ltd', found {value!r}"
            )
        return value

    def periods(self, value: Any) -> tuple[Period, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("'listed' must be a non-empty list of periods {start, end}")
        periods: list[Period] = []
        for item in value:
            item = self.mapping(item, ("start",), ("end",))
            start = self.date(item["start"], "start")
            end = self.date(item["end"], "end") if item.get("end") else ""
            if end and end < start:
                raise self.fail(f"listing period ends ({end}) before it starts ({start})")
            if periods and (not periods[-1].end or periods[-1].end > start):
                raise self.fail(f"listing periods overlap or are out of order at {start}")
            periods.append(Period(start, end))
        return tuple(periods)


# -- read -----------------------------------------------------------------------------------


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(str(path), None, f"the file cannot be read as UTF-8 text ({exc})") from exc
    try:
        return yaml.load(text, Loader=YAML_LOADER)  # a safe loader: C or pure Python
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParseError(str(path), where, f"invalid YAML: {problem}") from exc


def _names(check: _Checker, raw: Mapping[str, Any]) -> tuple[tuple[str, NameKind, str], ...]:
    names: list[tuple[str, NameKind, str]] = [(check.text(raw["name"], "name"), "name", "")]
    natives = raw.get("native_names") or []
    if not isinstance(natives, list):
        raise check.fail("'native_names' must be a list of {name, lang, kind}")
    for native in natives:
        native = check.mapping(native, ("name", "lang"), ("kind",))
        lang = check.text(native["lang"], "lang")
        if not _LANG.match(lang):
            raise check.fail(f"'lang' must be an ISO 639 code like 'zho', found {lang!r}")
        kind = check.text(native.get("kind"), "kind", "name")
        if kind not in ("name", "alias", "weakAlias", "previousName"):
            raise check.fail(f"unknown name kind {kind!r}")
        names.append((check.text(native["name"], "name"), cast(NameKind, kind), lang))
    for field, kind in _NAME_LISTS:
        names.extend((value, kind, "") for value in check.texts(raw.get(field), field))
    return tuple(names)


def _categories(
    check: _Checker, raw: Mapping[str, Any], known: Mapping[str, str]
) -> tuple[str, ...]:
    codes = check.texts(raw.get("categories"), "categories")
    unknown = [c for c in codes if c not in known]
    if unknown:
        listed = ", ".join(known) or "none: the file has no 'categories'"
        raise check.fail(f"unknown category {unknown[0]!r} (the file's categories: {listed})")
    return codes


def _party(
    check: _Checker, raw: Mapping[str, Any], default_reason: str, known: Mapping[str, str]
) -> Party:
    raw = check.mapping(raw, _ENTRY_REQUIRED, _ENTRY_OPTIONAL)
    schema = check.text(raw["schema"], "schema")
    if schema not in _SCHEMATA:
        raise check.fail(f"'schema' must be one of {', '.join(_SCHEMATA)}, found {schema!r}")
    countries = check.texts(raw.get("country"), "country")
    bad = [c for c in countries if not _COUNTRY.match(c)]
    if bad:
        raise check.fail(f"'country' must hold ISO 3166 alpha-2 codes in lower case: {bad[0]!r}")
    for field in ("editions", "updated"):
        check.dates(raw.get(field), field)
    row = raw.get("row")
    if row is not None and (not isinstance(row, int) or isinstance(row, bool) or row < 1):
        raise check.fail(f"'row' must be a row number (1, 2, ...), found {row!r}")
    categories = _categories(check, raw, known)
    reason = check.text(raw.get("reason"), "reason") or check.text(raw.get("covered"), "covered")
    reason = reason or " ".join(known[c] for c in categories) or default_reason
    listed_with = raw.get("listed_with")
    if listed_with is not None:
        check.slug(listed_with)
    return Party(
        id=check.slug(raw["id"]),
        schema=schema,
        names=_names(check, raw),
        countries=countries,
        periods=check.periods(raw["listed"]),
        source_url=check.url(raw["source_url"], "source_url"),
        reason=reason,
        notes=check.text(raw.get("notes"), "notes"),
        parent=check.text(raw.get("parent"), "parent"),
        raw=raw,
        categories=categories,
        listed_with=listed_with or "",
        row=row or 0,
    )


def _where(index: int, raw: Any) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"entry {raw['id']!r} (#{index + 1})"
    return f"entry #{index + 1}"


def _equipment_classes(path: Path, value: Any) -> tuple[EquipmentClass, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ParseError(str(path), "equipment_classes", "must be a list")
    out: list[EquipmentClass] = []
    for index, raw in enumerate(value):
        check = _Checker(path, "equipment class " + _where(index, raw).removeprefix("entry "))
        raw = check.mapping(raw, _CLASS_REQUIRED, _CLASS_OPTIONAL)
        periods = check.periods(raw["listed"])
        check.url(raw["source_url"], "source_url")
        row = raw.get("row")
        out.append(
            EquipmentClass(check.slug(raw["id"]), row if isinstance(row, int) else 0, periods)
        )
    return tuple(out)


def _editions(check: _Checker, value: Any) -> tuple[Edition, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise check.fail(
            "'editions' must be a list of {date, url, document, count, complete, added}"
        )
    out: list[Edition] = []
    for edition in value:
        edition = check.mapping(
            edition, ("date", "url"), ("document", "count", "complete", "added")
        )
        count, added = edition.get("count"), edition.get("added")
        for name, number in (("count", count), ("added", added)):
            if number is not None and (
                not isinstance(number, int) or isinstance(number, bool) or number < 0
            ):
                raise check.fail(
                    f"an edition's {name!r} must be a number of entries, found {number!r}"
                )
        complete = edition.get("complete", True)
        if not isinstance(complete, bool):
            raise check.fail(f"an edition's 'complete' must be true or false, found {complete!r}")
        out.append(
            Edition(
                date=check.date(edition["date"], "date"),
                url=check.url(edition["url"], "url"),
                document=check.text(edition.get("document"), "document"),
                count=count,
                complete=complete,
                added=added,
            )
        )
    if [e.date for e in out] != sorted(e.date for e in out):
        raise check.fail("'editions' must be in date order")
    return tuple(out)


def _category_map(check: _Checker, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not value:
        raise check.fail("'categories' must map each category code to what it means")
    return {check.text(k, "categories"): check.text(v, "categories") for k, v in value.items()}


def _published(check: _Checker, doc: Mapping[str, Any]) -> str:
    """The date the file's data is as of: ``published`` (or its synonym ``as_of``)."""
    for field in ("published", "as_of"):
        if doc.get(field):
            return check.date(doc[field], field)
    raise check.fail("the required field 'published' (the date the data is as of) is missing")


def load_file(path: Path, source_id: str) -> ListFile:
    """Parse and validate one statutory list file. Raises ParseError on any defect."""
    doc = _load_yaml(path)
    check = _Checker(path, "top level")
    doc = check.mapping(doc, _FILE_REQUIRED, _FILE_OPTIONAL)
    if doc["source"] != source_id:
        raise check.fail(f"this file is for source {doc['source']!r}, not {source_id!r}")
    list_code = check.text(doc["list"], "list")
    if list_code not in lists():
        raise check.fail(f"unknown list code {list_code!r} (see data/lists.yaml)")
    effect = check.text(doc["effect"], "effect")
    if effect not in effects():
        raise check.fail(f"unknown legal effect {effect!r} (see data/effects.yaml)")
    editions = _editions(check, doc.get("editions"))
    known = _category_map(check, doc.get("categories"))
    entries = doc["entries"]
    if not isinstance(entries, list):
        raise check.fail("'entries' must be a list")
    default_reason = check.text(doc.get("reason"), "reason")
    parties = tuple(
        _party(_Checker(path, _where(index, raw)), raw, default_reason, known)
        for index, raw in enumerate(entries)
    )
    seen: set[str] = set()
    for index, party in enumerate(parties):
        if party.id in seen:
            raise ParseError(str(path), _where(index, entries[index]), "this id occurs twice")
        seen.add(party.id)
    for index, party in enumerate(parties):
        if party.listed_with and party.listed_with not in seen:
            raise ParseError(
                str(path),
                _where(index, entries[index]),
                f"'listed_with' names {party.listed_with!r}, which is no entry of this file",
            )
    for edition in editions:
        held = _first_listed_on(parties, edition.date)
        if edition.added is not None and held > edition.added:
            raise check.fail(
                f"{held} entries first came on the list on {edition.date}, but the edition "
                f"of that date states that it added {edition.added}"
            )
    return ListFile(
        path=path,
        source=source_id,
        list_code=list_code,
        effect=effect,
        authority=check.text(doc["authority"], "authority"),
        program=check.text(doc.get("program"), "program"),
        published=_published(check, doc),
        source_url=check.url(doc["source_url"], "source_url"),
        source_document=check.text(doc.get("source_document"), "source_document"),
        topics=check.texts(doc.get("topics"), "topics"),
        parties=parties,
        equipment_classes=_equipment_classes(path, doc.get("equipment_classes")),
        editions=editions,
        categories=known,
    )


def edition_count(header: ListFile, day: str) -> int:
    """How many entries the file holds in force on ``day``, counted as the list counts them:
    by row where the list numbers its rows (a row naming two companies is one entry, a row
    covering a class of equipment another), else by entry, a subsidiary named in its
    parent's row (``listed_with``) counted with the parent."""
    parties = [p for p in header.parties if p.in_force(day) and not p.listed_with]
    classes = [c for c in header.equipment_classes if c.in_force(day)]
    if parties and all(p.row for p in parties):
        return len({p.row for p in parties} | {c.row for c in classes})
    return len(parties) + len(classes)


def edition_counts(header: ListFile) -> list[tuple[Edition, int]]:
    """Each edition that states a count, with the count the file holds for its date."""
    return [(e, edition_count(header, e.date)) for e in header.editions if e.count is not None]


def _first_listed_on(parties: Sequence[Party], day: str) -> int:
    """Entries (counted as :func:`edition_count` counts them) whose first listing began on
    ``day``: the entries a publication of that date added, as far as the file holds them."""
    return sum(
        1
        for p in parties
        if not p.listed_with and p.periods and min(x.start for x in p.periods) == day
    )


def edition_additions(header: ListFile) -> list[tuple[Edition, int]]:
    """Each edition that states how many entries it added, with how many of them the file
    holds: an edition with fewer held than added names entries this file still lacks."""
    return [
        (e, _first_listed_on(header.parties, e.date))
        for e in header.editions
        if e.added is not None
    ]
