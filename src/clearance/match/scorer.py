"""The matcher: a query or a name against a listed entity, scored and explained.

One scoring path. The base is the best name score over all names of the entity (weak aliases
discounted); qualifiers (schema, birth date, country, gender, identifiers) add or subtract
profile weights; the result is clipped to [0, 1] and compared with the profile's threshold.
Every step is a named :class:`Feature` whose contributions add up to the score.

Entity-side work is done once by :meth:`Matcher.prepare`; screening keeps the
:class:`CompiledEntity` and calls :meth:`Matcher.score` with it for every query.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearance.match.explain import name_features
from clearance.match.names import NameComparison, compare_all
from clearance.match.ofac import ofac_features, ofac_similarity
from clearance.match.profiles import Profile, get_profile
from clearance.match.qualifiers import (
    birth_date_feature,
    clean_identifier,
    country_feature,
    gender_feature,
    identifier_feature,
    schema_feature,
)
from clearance.match.result import Feature, MatchResult
from clearance.model import IDENTIFIER_PROPS, Entity, Query
from clearance.text.keys import NameForm, name_forms

ALGORITHM = "clearance-names-1"
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "flag")


@dataclass(frozen=True, slots=True)
class CompiledName:
    value: str
    kind: str
    forms: tuple[NameForm, ...]


@dataclass(frozen=True, slots=True)
class CompiledEntity:
    """Everything about an entity the matcher needs, computed once."""

    entity: Entity
    names: tuple[CompiledName, ...]
    birth_dates: tuple[str, ...]
    countries: tuple[str, ...]
    genders: tuple[str, ...]
    identifiers: dict[str, frozenset[str]]


def compile_entity(entity: Entity) -> CompiledEntity:
    names = tuple(
        CompiledName(n.value, n.kind, name_forms(n.value, entity.schema)) for n in entity.names
    )
    ids: dict[str, frozenset[str]] = {}
    for prop in IDENTIFIER_PROPS:
        values = frozenset(clean_identifier(v) for v in entity.get(prop)) - {""}
        if values:
            ids[prop] = values
    countries = tuple(c for prop in COUNTRY_PROPS for c in entity.get(prop))
    return CompiledEntity(
        entity=entity,
        names=names,
        birth_dates=tuple(entity.get("birthDate")),
        countries=countries,
        genders=tuple(entity.get("gender")),
        identifiers=ids,
    )


def _query_schema(query_schema: str, entity_schema: str) -> str:
    return entity_schema if query_schema in ("", "LegalEntity", "Thing") else query_schema


class Matcher:
    """Scores queries against entities and names against names, under one profile."""

    def __init__(self, profile: str | None = None) -> None:
        self.profile: Profile = get_profile(profile)

    @property
    def threshold(self) -> float:
        return self.profile.threshold

    def prepare(self, entity: Entity) -> CompiledEntity:
        return compile_entity(entity)

    def _names(
        self, query_names: tuple[str, ...], schema: str, target: CompiledEntity
    ) -> tuple[str, list[Feature]]:
        """The best name comparison over all query names and entity names, explained once."""
        ofac = self.profile.name_algorithm == "ofac"
        best: tuple[float, str, str, NameComparison | None, float] = (-1.0, "", "", None, 1.0)
        for qname in query_names:
            qforms = () if ofac else name_forms(qname, schema)
            for cname in target.names:
                factor = self.profile.weak_alias_factor if cname.kind == "weakAlias" else 1.0
                if ofac:
                    value, cmp = ofac_similarity(qname, cname.value)[0] * factor, None
                else:
                    cmp = compare_all(qforms, cname.forms)
                    value = cmp.score * factor
                if value > best[0]:
                    best = (value, qname, cname.value, cmp, factor)
                    if value >= 1.0:
                        break
        _, qname, matched, cmp, factor = best
        if ofac:
            return matched, ofac_features(qname, matched) if matched else []
        return matched, name_features(cmp, factor, cmp.right.kind) if cmp else []

    def score(self, query: Query, entity: Entity | CompiledEntity) -> MatchResult:
        target = entity if isinstance(entity, CompiledEntity) else compile_entity(entity)
        schema = _query_schema(query.schema, target.entity.schema)
        names = (query.name, *query.aliases)
        matched, features = self._names(names, schema, target)
        quals = [
            schema_feature(query.schema, target.entity.schema, self.profile),
            birth_date_feature(query.birth_date, target.birth_dates, self.profile)
            if query.birth_date
            else None,
            country_feature(query.country, target.countries, self.profile),
            gender_feature(query.gender, target.genders, self.profile) if query.gender else None,
            identifier_feature(query.identifiers, target.identifiers, self.profile),
        ]
        features.extend(q for q in quals if q is not None)
        return self._result(features, matched)

    def compare(self, name1: str, name2: str, schema: str = "LegalEntity") -> MatchResult:
        """Name against name, both read as names of a ``schema`` entity."""
        if self.profile.name_algorithm == "ofac":
            features = ofac_features(name1, name2)
        else:
            cmp = compare_all(name_forms(name1, schema), name_forms(name2, schema))
            features = name_features(cmp, 1.0, cmp.right.kind)
        return self._result(features, name2)

    def _result(self, features: list[Feature], matched: str) -> MatchResult:
        score = min(1.0, max(0.0, sum(f.contribution for f in features)))
        return MatchResult(
            score=score,
            match=score >= self.profile.threshold,
            threshold=self.profile.threshold,
            profile=self.profile.name,
            matched_name=matched,
            features=tuple(features),
            algorithm=ALGORITHM
            if self.profile.name_algorithm != "ofac"
            else "ofac-sls-emulation-1",
        )
