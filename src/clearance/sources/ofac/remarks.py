"""The remarks mini-language of OFAC's legacy files, and the rules of ``data/ofac.yaml``.

OFAC's CSV files pack identifiers, birth dates, weak aliases and more into one remarks field:
``DOB 01 Jan 1960; POB Tehran, Iran; Passport X123 (Iran) issued 2010; a.k.a. 'ABU X'.`` Each
semicolon-separated item starts with a label from a closed vocabulary (the same labels the
XML files use as ``idType`` and feature type names). :func:`parse_remarks` turns the text into
:class:`~clearance.sources.ofac.records.Fact` values; what a label means is data, not code.
Pure functions: no I/O besides loading the packaged rules once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

from clearance.datafiles import load_data
from clearance.sources.common import iso_date
from clearance.sources.ofac.records import Fact


@dataclass(frozen=True, slots=True)
class LabelRule:
    """What a label means: the FtM property and how its value is read."""

    prop: str
    #: id, date, country, gender, text, number, name (an alias), listed (a listing date),
    #: reason (what the listing restricts)
    type: str = "id"
    #: name kind for ``type: name``
    kind: str = ""


@dataclass(frozen=True)
class OfacRules:
    labels: dict[str, LabelRule]
    label_re: re.Pattern[str]
    schemata: dict[str, str]
    company_props: frozenset[str]
    schema_props: dict[str, frozenset[str]]
    fallback: dict[str, str]
    value_patterns: tuple[tuple[str, re.Pattern[str]], ...]
    sdn_list: str
    cons_patterns: tuple[tuple[str, str], ...]
    cons_default: str
    _targets: dict[str, dict[str, str]] = field(default_factory=dict)

    def consolidated_list(self, program: str) -> str:
        """The list code of a Consolidated (non-SDN) list program tag."""
        for pattern, code in self.cons_patterns:
            if fnmatchcase(program, pattern):
                return code
        return self.cons_default

    def targets(self, schema: str) -> dict[str, str]:
        """A memo of :meth:`prop_for` for one schema (filled by the caller, per process)."""
        memo = self._targets.get(schema)
        if memo is None:
            memo = self._targets[schema] = {"@schema": schema}
        return memo

    def prop_for(self, schema: str, prop: str) -> str:
        """``prop`` if ``schema`` has it, else its fallback if the schema has that, else ""."""
        allowed = self.schema_props.get(schema, frozenset())
        if prop in allowed:
            return prop
        fallback = self.fallback.get(prop, "")
        if fallback in allowed:
            return fallback
        return ""


@cache
def rules() -> OfacRules:
    """The OFAC mapping rules from ``data/ofac.yaml``, compiled once."""
    raw: dict[str, Any] = load_data("ofac.yaml")
    labels = {
        str(label): LabelRule(
            prop=str(spec.get("prop", "")),
            type=str(spec.get("type", "id")),
            kind=str(spec.get("kind", "")),
        )
        for label, spec in raw["labels"].items()
    }
    # longest label first, so "Passport" does not shadow "Diplomatic Passport" variants
    alternation = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    label_re = re.compile(rf"^(?:alt\.\s+)?({alternation})(?=[\s:(]|$):?\s*(.*)$", re.DOTALL)
    lists = raw["lists"]
    return OfacRules(
        labels=labels,
        label_re=label_re,
        schemata={str(k): str(v) for k, v in raw["schemata"].items()},
        company_props=frozenset(raw["company_props"]),
        schema_props={k: frozenset(v) for k, v in raw["schema_props"].items()},
        fallback=dict(raw["fallback"]),
        value_patterns=tuple(
            (prop, re.compile(pattern)) for prop, pattern in raw["value_patterns"].items()
        ),
        sdn_list=str(lists["sdn"]),
        cons_patterns=tuple((str(x["program"]), str(x["list"])) for x in lists["consolidated"]),
        cons_default=str(lists["default"]),
    )


def split_remarks(text: str) -> list[str]:
    """The semicolon-separated items of a remarks field, without the closing full stop."""
    text = text.strip()
    if text.endswith("."):
        text = text[:-1]
    return [item for item in (part.strip() for part in text.split(";")) if item]


def parse_remarks(text: str) -> list[Fact]:
    """The labelled facts in a remarks field; free-text items are skipped (they stay in
    the notes)."""
    if not text:
        return []
    label_re = rules().label_re
    facts: list[Fact] = []
    for item in split_remarks(text):
        match = label_re.match(item)
        if match is not None:
            facts.append(Fact(label=match.group(1), value=match.group(2).strip()))
    return facts


_ID_RE = re.compile(
    r"^(?P<value>.*?)(?:\s*\((?P<country>[^()]*)\))?"
    r"(?:,?\s+(?:issued|expires)\b.*)?$",
    re.DOTALL,
)
_CIRCA_RE = re.compile(r"^(?:circa|approximately|approx\.|about)\s+", re.IGNORECASE)
_RANGE_RE = re.compile(r"\s+to\s+")
_LISTED_RE = re.compile(r"^(?:\([^)]*\))?\s*:?\s*")


def split_identifier(fact: Fact) -> tuple[str, str]:
    """``(number, country)`` of an identifier fact: ``X123 (Iran) issued 2010`` ->
    ``("X123", "Iran")``."""
    if fact.country:
        return fact.value.strip(), fact.country.strip()
    match = _ID_RE.match(fact.value)
    if match is None:  # pragma: no cover - the pattern matches any text
        return fact.value.strip(), ""
    value = match.group("value").strip()
    country = (match.group("country") or "").strip()
    if not value and country:
        # "International Maritime Organization No. (5777731)"
        return country, ""
    return value, country


def parse_dates(text: str) -> list[str]:
    """ISO dates in a DOB-style value: ``01 Jan 1960``, ``circa 1951``, ``1960 to 1962``."""
    text = _CIRCA_RE.sub("", text.strip().rstrip("."))
    dates = []
    for part in _RANGE_RE.split(text):
        value = iso_date(_CIRCA_RE.sub("", part.strip()))
        if value:
            dates.append(value)
    return dates


def listing_date(value: str) -> str:
    """The date of a ``Listing Date (CMIC) 03 Jun 2021`` fact (its value after the label)."""
    return iso_date(_LISTED_RE.sub("", value, count=1).strip())


def unquote_name(value: str) -> str:
    """A weak alias as the remarks quote it: ``'ABU X'`` -> ``ABU X``."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    return value
