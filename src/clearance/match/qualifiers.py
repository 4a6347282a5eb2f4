"""Facts other than names: birth date, country, gender, identifiers, schema.

Each qualifier returns a :class:`Feature` whose contribution is a profile weight (agreement
slightly raises, disagreement lowers the name score) or ``None`` when either side lacks the
fact. Qualifiers only adjust: the name score is the base of every match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Protocol

from clearance.errors import InputError
from clearance.match.profiles import Profile
from clearance.match.result import Feature
from clearance.model import Query

PERSON_SCHEMATA = frozenset({"Person"})
ORG_SCHEMATA = frozenset({"Company", "Organization", "PublicBody"})
OBJECT_SCHEMATA = frozenset({"Vessel", "Airplane", "Vehicle"})
GENERIC_SCHEMATA = frozenset({"LegalEntity", "Thing", ""})

_ID_CLEAN = re.compile(r"[^A-Z0-9]")
#: identifier shapes that tell their kind, with the FtM property they belong to
ID_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("imoNumber", re.compile(r"^(?:IMO)?\d{7}$")),
    ("leiCode", re.compile(r"^[A-Z0-9]{18}\d{2}$")),
    ("isinCode", re.compile(r"^[A-Z]{2}[A-Z0-9]{9}\d$")),
    ("swiftBic", re.compile(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")),
)
_GENDERS = {"m": "male", "male": "male", "f": "female", "female": "female"}


def clean_identifier(value: str) -> str:
    value = _ID_CLEAN.sub("", value.upper())
    return value[3:] if value.startswith("IMO") and value[3:].isdigit() else value


def identifier_kind(value: str) -> str:
    for prop, shape in ID_SHAPES:
        if shape.match(value):
            return prop
    return ""


def schema_group(schema: str) -> str:
    if schema in PERSON_SCHEMATA:
        return "person"
    if schema in ORG_SCHEMATA:
        return "org"
    if schema in OBJECT_SCHEMATA:
        return "object"
    return "any"


def schema_feature(query: str, entity: str, profile: Profile) -> Feature | None:
    qg, eg = schema_group(query), schema_group(entity)
    if qg == eg or "any" in (qg, eg):
        return None
    weight = profile.weight("schema_mismatch")
    return Feature("schema", 0.0, weight, f"a {query} is compared with a listed {entity}")


def named_kind_feature(
    query: str, entity: str, legal_forms: tuple[str, ...], profile: Profile
) -> Feature | None:
    """A listed entity of no particular kind (a LegalEntity, as some lists give every party)
    whose matching name has a legal form is an organisation: a person compared with it is
    compared with another kind of entity, as with a listed Company."""
    if not legal_forms or schema_group(query) != "person" or schema_group(entity) != "any":
        return None
    weight = profile.weight("schema_mismatch")
    forms = "/".join(legal_forms)
    reason = f"a {query} is compared with a listed {entity} named as an organisation ({forms})"
    return Feature("schema", 0.0, weight, reason)


def _year(value: str) -> int | None:
    head = value[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def birth_date_feature(query: str, dates: Iterable[str], profile: Profile) -> Feature | None:
    dates = [d for d in dates if _year(d) is not None]
    qyear = _year(query)
    if qyear is None or not dates:
        return None
    listed = ", ".join(sorted(set(dates)))
    for value in dates:
        size = min(len(value), len(query))
        if value[:size] == query[:size]:
            what = "birth date" if size >= 10 else "birth year" if size == 4 else "birth month"
            weight = profile.weight("birth_date_match") * (1.0 if size >= 10 else 0.5)
            return Feature("birth_date", 1.0, weight, f"{what} {query} agrees with {listed}")
    years = {_year(d) for d in dates}
    if qyear in years:
        reason = f"birth date {query} has the listed year but another day ({listed})"
        return Feature("birth_date", 0.7, profile.weight("birth_year_near"), reason)
    if any(y is not None and abs(y - qyear) == 1 for y in years):
        reason = f"birth year of {query} is one year off the listed {listed}"
        return Feature("birth_date", 0.5, profile.weight("birth_year_near"), reason)
    reason = f"birth date {query} disagrees with the listed {listed}"
    return Feature("birth_date", 0.0, profile.weight("birth_date_mismatch"), reason)


def country_feature(
    query: Iterable[str], listed: Iterable[str], profile: Profile
) -> Feature | None:
    qset = {c.strip().lower() for c in query if c.strip()}
    lset = {c.strip().lower() for c in listed if c.strip()}
    if not qset or not lset:
        return None
    common = qset & lset
    if common:
        reason = f"country {', '.join(sorted(common))} agrees"
        return Feature("country", 1.0, profile.weight("country_match"), reason)
    reason = f"country {', '.join(sorted(qset))} is not among the listed {', '.join(sorted(lset))}"
    return Feature("country", 0.0, profile.weight("country_mismatch"), reason)


def gender_feature(query: str, listed: Iterable[str], profile: Profile) -> Feature | None:
    qg = _GENDERS.get(query.strip().lower())
    lset = {_GENDERS.get(g.strip().lower()) for g in listed} - {None}
    if qg is None or not lset:
        return None
    if qg in lset:
        return Feature("gender", 1.0, 0.0, f"gender {qg} agrees")
    reason = f"gender {qg} disagrees with the listed {', '.join(sorted(str(g) for g in lset))}"
    return Feature("gender", 0.0, profile.weight("gender_mismatch"), reason)


def identifier_feature(
    query: Iterable[str], listed: dict[str, frozenset[str]], profile: Profile
) -> Feature | None:
    """Identical identifier: strong evidence. Same kind, other value: counts against."""
    cleaned = [clean_identifier(q) for q in query if q.strip()]
    cleaned = [c for c in cleaned if len(c) >= 4]
    if not cleaned or not listed:
        return None
    for value in cleaned:
        for prop, values in listed.items():
            if value in values:
                reason = f"identifier {value} is the listed {prop}"
                return Feature("identifier", 1.0, profile.weight("identifier_match"), reason)
    for value in cleaned:
        kind = identifier_kind(value)
        if kind and kind in listed:
            other = ", ".join(sorted(listed[kind]))
            reason = f"{kind} {value} differs from the listed {other}"
            return Feature("identifier", 0.0, profile.weight("identifier_mismatch"), reason)
    return None


class ListedFacts(Protocol):
    """The facts of a listed entity the qualifiers read (a compiled entity has them)."""

    @property
    def schema(self) -> str: ...
    @property
    def birth_dates(self) -> tuple[str, ...]: ...
    @property
    def countries(self) -> tuple[str, ...]: ...
    @property
    def genders(self) -> tuple[str, ...]: ...
    @property
    def identifiers(self) -> dict[str, frozenset[str]]: ...


#: a qualifier reading: the query and the listed facts, under a profile, to a feature or none
Qualifier = Callable[[Query, ListedFacts, Profile], "Feature | None"]


def _schema(query: Query, listed: ListedFacts, profile: Profile) -> Feature | None:
    return schema_feature(query.schema, listed.schema, profile)


def _birth_date(query: Query, listed: ListedFacts, profile: Profile) -> Feature | None:
    return (
        birth_date_feature(query.birth_date, listed.birth_dates, profile)
        if query.birth_date
        else None
    )


def _country(query: Query, listed: ListedFacts, profile: Profile) -> Feature | None:
    return country_feature(query.country, listed.countries, profile)


def _gender(query: Query, listed: ListedFacts, profile: Profile) -> Feature | None:
    return gender_feature(query.gender, listed.genders, profile) if query.gender else None


def _identifier(query: Query, listed: ListedFacts, profile: Profile) -> Feature | None:
    return identifier_feature(query.identifiers, listed.identifiers, profile)


#: every qualifier reading by the name a profile lists it under (``data/profiles.yaml``)
QUALIFIERS: dict[str, Qualifier] = {
    "schema": _schema,
    "birth_date": _birth_date,
    "country": _country,
    "gender": _gender,
    "identifier": _identifier,
}


def qualifier_readings(names: tuple[str, ...]) -> tuple[Qualifier, ...]:
    """The readings a profile declares, in its order."""
    unknown = [name for name in names if name not in QUALIFIERS]
    if unknown:
        known = ", ".join(QUALIFIERS)
        raise InputError(f"Unknown qualifier features {unknown}; known: {known}")
    return tuple(QUALIFIERS[name] for name in names)
