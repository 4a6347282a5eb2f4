"""Per-entity facts that filters read: schema, countries, listing period, first seen, last change.

Filters are applied to candidates before they are ranked and cut to a page, so a page is never
short while results exist. They read these arrays, built with the index and persisted with it;
a filter becomes one boolean mask over the entities.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from clearance.model import SCHEMATA, Entity

#: the properties that give a listed entity's countries
ENTITY_COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry")

#: schema filters of the yente protocol: a schema stands for itself and the schemata it includes
SCHEMA_FAMILY: dict[str, frozenset[str] | None] = {
    "Thing": None,
    "LegalEntity": frozenset({"LegalEntity", "Person", "Company", "Organization"}),
    "Organization": frozenset({"Organization", "Company"}),
}

Mask = npt.NDArray[np.bool_]


def schema_family(schema: str) -> frozenset[str] | None:
    """The schemata a schema filter admits (``None``: every one)."""
    if schema in SCHEMA_FAMILY:
        return SCHEMA_FAMILY[schema]
    return frozenset({schema})


def listed_until(entity: Entity) -> str:
    """The last day the entity is listed: "" while any listing is open (or it has none
    dated), else the latest end date of its listings."""
    ends = [listing.end for listing in entity.listings]
    if not ends or any(not end for end in ends):
        return ""
    return max(ends)


@dataclass(frozen=True)
class Filters:
    """What a search admits, applied before ranking.

    ``sources``: source ids (``None``: all); ``schemata``: entity schemata (``None``: all);
    ``countries``: ISO codes, an entity must have one of them; ``exclude_ids``: entity ids
    left out; ``changed_since``: an ISO date, only entities added or changed on or after it;
    ``former``: also entities whose every listing has ended (by ``as_of``, an ISO date).
    """

    sources: frozenset[str] | None = None
    schemata: frozenset[str] | None = None
    countries: frozenset[str] = frozenset()
    exclude_ids: frozenset[str] = frozenset()
    changed_since: str = ""
    former: bool = False
    as_of: str = ""


@dataclass
class EntityFacets:
    schema: npt.NDArray[np.int8]
    #: CSR: the countries of entity ``i`` are ``country_codes[country_rows[i]:country_rows[i+1]]``
    country_rows: npt.NDArray[np.int32]
    country_codes: npt.NDArray[np.int16]
    countries: list[str]
    #: per entity: the last day it is listed ("" while listed), first seen, last change
    until: list[str]
    first_seen: list[str]
    last_change: list[str]

    def dates(self, idx: int) -> tuple[str | None, str | None]:
        return self.first_seen[idx] or None, self.last_change[idx] or None

    def mask(self, filters: Filters, sources: npt.NDArray[np.bool_] | None) -> Mask | None:
        """Which entities ``filters`` admit (``None``: all); ``sources`` is the mask of the
        admitted sources by entity, when the filter names sources."""
        size = len(self.schema)
        keep: Mask = np.ones(size, dtype=bool) if sources is None else sources.copy()
        admitted = sources is not None
        if filters.schemata is not None:
            codes = [SCHEMATA.index(s) for s in filters.schemata if s in SCHEMATA]
            keep &= np.isin(self.schema, np.array(codes, dtype=np.int8))
            admitted = True
        if filters.countries:
            wanted = [i for i, c in enumerate(self.countries) if c in filters.countries]
            hit = np.isin(self.country_codes, np.array(wanted, dtype=np.int16))
            owner = np.repeat(np.arange(size), np.diff(self.country_rows))
            has = np.zeros(size, dtype=bool)
            has[owner[hit]] = True
            keep &= has
            admitted = True
        if not filters.former:
            as_of = filters.as_of
            ended = [i for i, until in enumerate(self.until) if until and until < as_of]
            if ended:
                keep[np.array(ended, dtype=np.int64)] = False
                admitted = True
        if filters.changed_since:
            since = filters.changed_since
            keep &= np.array([c >= since for c in self.last_change], dtype=bool)
            admitted = True
        return keep if admitted else None


@dataclass
class FacetsBuilder:
    schema: list[int] = field(default_factory=list)
    country_rows: list[int] = field(default_factory=lambda: [0])
    country_codes: list[int] = field(default_factory=list)
    countries: dict[str, int] = field(default_factory=dict)
    until: list[str] = field(default_factory=list)
    first_seen: list[str] = field(default_factory=list)
    last_change: list[str] = field(default_factory=list)

    def add(self, entity: Entity, dates: tuple[str, str] | None) -> None:
        schema = entity.schema if entity.schema in SCHEMATA else "LegalEntity"
        self.schema.append(SCHEMATA.index(schema))
        codes = dict.fromkeys(
            c.strip().lower() for p in ENTITY_COUNTRY_PROPS for c in entity.get(p) if c.strip()
        )
        for code in codes:
            self.country_codes.append(self.countries.setdefault(code, len(self.countries)))
        self.country_rows.append(len(self.country_codes))
        self.until.append(listed_until(entity))
        first, last = dates or ("", "")
        self.first_seen.append(first)
        self.last_change.append(last)

    def build(self) -> EntityFacets:
        return EntityFacets(
            schema=np.array(self.schema, dtype=np.int8),
            country_rows=np.array(self.country_rows, dtype=np.int32),
            country_codes=np.array(self.country_codes, dtype=np.int16),
            countries=list(self.countries),
            until=self.until,
            first_seen=self.first_seen,
            last_change=self.last_change,
        )


def entity_dates(
    versions: Iterable[tuple[str, Mapping[str, int]]],
) -> dict[str, tuple[str, str]]:
    """First seen and last change of every entity of a source's versions, given oldest first
    as (date, entity id -> record id) up to the active one: the entity's first version, and
    the version since which it has been listed unchanged."""
    out: dict[str, tuple[str, str]] = {}
    previous: Mapping[str, int] = {}
    for day, members in versions:
        for entity_id, record in members.items():
            seen = out.get(entity_id)
            if seen is None:
                out[entity_id] = (day, day)
            elif previous.get(entity_id) != record:  # changed, or listed again
                out[entity_id] = (seen[0], day)
        previous = members
    return out
