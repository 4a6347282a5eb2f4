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

from clearance.match.bounds import name_bound
from clearance.match.explain import name_features
from clearance.match.names import NameComparison, comparable, compare_all, compare_forms
from clearance.match.ofac import ofac_features, ofac_similarity
from clearance.match.profiles import Profile, get_profile
from clearance.match.qualifiers import (
    birth_date_feature,
    clean_identifier,
    country_feature,
    gender_feature,
    identifier_feature,
    named_kind_feature,
    schema_feature,
)
from clearance.match.result import Feature, MatchResult
from clearance.model import IDENTIFIER_PROPS, Entity, Query
from clearance.text.keys import NameForm, listed_names, name_forms

ALGORITHM = "clearance-names-1"
#: margin kept below a floor, so that rounding can never drop a result that reaches it
FLOOR_MARGIN = 1e-9
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
    #: (value, kind) of each name, in the entity's order
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


def _names_of(query: Query) -> tuple[str, ...]:
    return (query.name, *query.aliases)


def _compare(
    lefts: tuple[NameForm, ...],
    rights: tuple[NameForm, ...],
    factor: float,
    needed: float | None,
) -> NameComparison | None:
    """``compare_all(lefts, rights)``, skipping the pairs of forms that cannot reach
    ``needed`` (after the weak-alias ``factor``); ``None`` when every pair is skipped."""
    best: NameComparison | None = None
    for left in lefts:
        for right in rights:
            if not comparable(left, right):
                continue
            if needed is not None and name_bound(left, right) * factor < needed:
                continue
            result = compare_forms(left, right)
            if best is None or result.score > best.score:
                best = result
                if result.score >= 1.0:
                    return best
    return best


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
        self,
        query_names: tuple[str, ...],
        schema: str,
        target: CompiledEntity,
        needed: float | None = None,
    ) -> tuple[str, list[Feature], tuple[str, ...]] | None:
        """The best name comparison over all query names and entity names, explained once,
        with the legal forms of the entity's name it was made with.

        With ``needed``, comparisons whose upper bound (see :mod:`clearance.match.bounds`)
        stays below it are skipped, and ``None`` is returned when no name reaches it: any
        comparison that could be the best one is still made, in the same order, so the result
        is the same whenever it reaches ``needed``."""
        ofac = self.profile.name_algorithm == "ofac"
        best: tuple[float, str, str, NameComparison | None, float] = (-1.0, "", "", None, 1.0)
        for qname in query_names:
            qforms = () if ofac else name_forms(qname, schema)
            for cname in target.names:
                factor = self.profile.weak_alias_factor if cname.kind == "weakAlias" else 1.0
                if ofac:
                    value, cmp = ofac_similarity(qname, cname.value)[0] * factor, None
                else:
                    cmp = _compare(qforms, cname.forms, factor, needed)
                    if cmp is None:
                        continue
                    value = cmp.score * factor
                if value > best[0]:
                    best = (value, qname, cname.value, cmp, factor)
                    if value >= 1.0:
                        break
        value, qname, matched, cmp, factor = best
        if needed is not None and not ofac and value < needed:
            return None
        if ofac:
            return matched, ofac_features(qname, matched) if matched else [], ()
        if cmp is None:
            return matched, [], ()
        return matched, name_features(cmp, factor, cmp.right.kind), cmp.right.legal_forms

    def score(self, query: Query, entity: Entity | CompiledEntity) -> MatchResult:
        result = self._score(query, entity, None)
        assert result is not None
        return result

    def score_above(
        self, query: Query, entity: Entity | CompiledEntity, floor: float
    ) -> MatchResult | None:
        """``score(query, entity)`` when that reaches ``floor``, else ``None`` (usually without
        aligning the names: see :mod:`clearance.match.bounds`). Results that reach the floor
        are identical to ``score``'s, explanation included."""
        return self._score(query, entity, floor)

    def _score(
        self, query: Query, entity: Entity | CompiledEntity, floor: float | None
    ) -> MatchResult | None:
        target = entity if isinstance(entity, CompiledEntity) else compile_entity(entity)
        schema = _query_schema(query.schema, target.schema)
        quals = [
            schema_feature(query.schema, target.schema, self.profile),
            birth_date_feature(query.birth_date, target.birth_dates, self.profile)
            if query.birth_date
            else None,
            country_feature(query.country, target.countries, self.profile),
            gender_feature(query.gender, target.genders, self.profile) if query.gender else None,
            identifier_feature(query.identifiers, target.identifiers, self.profile),
        ]
        present = [q for q in quals if q is not None]
        # the score is the name score plus the qualifiers' contributions (clipped to [0, 1]):
        # a name score under ``floor`` minus those cannot reach the floor
        needed = (
            None
            if floor is None or floor <= 0.0
            else floor - sum(q.contribution for q in present) - FLOOR_MARGIN
        )
        if needed is not None and needed > 1.0:
            # no name scores above 1: the qualifiers alone keep this entity under the floor
            # (a contradicting birth date does, for most candidates of a counterparty file)
            return None
        names = _names_of(query)
        found = self._names(names, schema, target, needed)
        if found is None:
            return None
        matched, features, legal_forms = found
        features.extend(present)
        # a person against the name of an organisation listed as a LegalEntity: only known
        # once the name is compared, and it can only lower the score (the bound holds)
        kind = named_kind_feature(query.schema, target.schema, legal_forms, self.profile)
        if kind is not None:
            features.append(kind)
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
