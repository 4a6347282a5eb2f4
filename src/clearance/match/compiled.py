"""A listed entity compiled for the matcher: its facts at once, its names when first needed.

Entity-side work is done once by :func:`compile_entity`; screening keeps the
:class:`CompiledEntity` and scores every query against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearance.match.qualifiers import clean_identifier
from clearance.model import IDENTIFIER_PROPS, Entity
from clearance.text.keys import NameForm, listed_names, name_forms

COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "flag")


@dataclass(frozen=True, slots=True)
class CompiledName:
    value: str
    kind: str
    forms: tuple[NameForm, ...]


@dataclass(slots=True, eq=False)
class CompiledEntity:
    """Everything about an entity the matcher needs, computed once: the qualifiers at once,
    the names (the costly part) when a comparison first needs them, since most candidates of
    a screening are ruled out by their qualifiers alone. It keeps no reference to the entity
    (a screening worker caches some 20,000 of these: the entities would triple their memory)."""

    schema: str
    #: (value, kind) of each name, in the entity's order (see ``listed_names``)
    name_values: tuple[tuple[str, str], ...]
    birth_dates: tuple[str, ...]
    countries: tuple[str, ...]
    genders: tuple[str, ...]
    identifiers: dict[str, frozenset[str]]
    _names: tuple[CompiledName, ...] | None = None

    @property
    def names(self) -> tuple[CompiledName, ...]:
        names = self._names
        if names is None:
            schema = self.schema
            names = self._names = tuple(
                CompiledName(value, kind, name_forms(value, schema))
                for value, kind in self.name_values
            )
        return names


def compile_entity(entity: Entity) -> CompiledEntity:
    ids: dict[str, frozenset[str]] = {}
    for prop in IDENTIFIER_PROPS:
        values = frozenset(clean_identifier(v) for v in entity.get(prop)) - {""}
        if values:
            ids[prop] = values
    countries = tuple(c for prop in COUNTRY_PROPS for c in entity.get(prop))
    return CompiledEntity(
        schema=entity.schema,
        name_values=tuple(listed_names((n.value, n.kind) for n in entity.names)),
        birth_dates=tuple(entity.get("birthDate")),
        countries=countries,
        genders=tuple(entity.get("gender")),
        identifiers=ids,
    )
