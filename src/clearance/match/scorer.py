"""The matcher: a query or a name against a listed entity, scored and explained.

One scoring path, declared by the profile (``data/profiles.yaml``): its name reading
(:mod:`clearance.match.readings`: names aligned part by part, or the OFAC emulation) gives the
base, the best name score over all names of the entity (weak aliases discounted); its
qualifier features (:mod:`clearance.match.qualifiers`: schema, birth date, country, gender,
identifiers) add or subtract their profile weights; the result is clipped to [0, 1] and
compared with the profile's threshold. Every step is a named :class:`Feature` whose
contributions add up to the score.

Entity-side work is done once by :meth:`Matcher.prepare` (:mod:`clearance.match.compiled`);
screening keeps the :class:`CompiledEntity` and calls :meth:`Matcher.score` with it for every
query.
"""

from __future__ import annotations

from clearance.match.compiled import COUNTRY_PROPS as COUNTRY_PROPS  # re-exported
from clearance.match.compiled import CompiledEntity, compile_entity
from clearance.match.compiled import CompiledName as CompiledName  # re-exported
from clearance.match.profiles import Profile, get_profile
from clearance.match.qualifiers import Qualifier, named_kind_feature, qualifier_readings
from clearance.match.readings import NameReading, name_reading
from clearance.match.result import Feature, MatchResult
from clearance.model import Entity, Query

#: margin kept below a floor, so that rounding can never drop a result that reaches it
FLOOR_MARGIN = 1e-9


def _names_of(query: Query) -> tuple[str, ...]:
    return (query.name, *query.aliases)


def _query_schema(query_schema: str, entity_schema: str) -> str:
    return entity_schema if query_schema in ("", "LegalEntity", "Thing") else query_schema


class Matcher:
    """Scores queries against entities and names against names, under one profile."""

    def __init__(self, profile: str | None = None) -> None:
        self.profile: Profile = get_profile(profile)
        self.reading: NameReading = name_reading(self.profile)
        self.qualifiers: tuple[Qualifier, ...] = qualifier_readings(self.profile.features)

    @property
    def algorithm(self) -> str:
        """The name of the profile's name reading (as each result records it)."""
        return self.reading.algorithm

    @property
    def threshold(self) -> float:
        return self.profile.threshold

    def prepare(self, entity: Entity) -> CompiledEntity:
        return compile_entity(entity)

    def score(self, query: Query, entity: Entity | CompiledEntity) -> MatchResult:
        result = self._score(query, entity, None)
        assert result is not None
        return result

    def score_above(
        self, query: Query, entity: Entity | CompiledEntity, floor: float
    ) -> MatchResult | None:
        """``score(query, entity)`` when that reaches ``floor``, else ``None`` (usually without
        aligning the names: see :func:`clearance.match.names.name_bound`). Results that reach
        the floor are identical to ``score``'s, explanation included."""
        return self._score(query, entity, floor)

    def _score(
        self, query: Query, entity: Entity | CompiledEntity, floor: float | None
    ) -> MatchResult | None:
        target = entity if isinstance(entity, CompiledEntity) else compile_entity(entity)
        schema = _query_schema(query.schema, target.schema)
        present: list[Feature] = []
        for qualifier in self.qualifiers:
            feature = qualifier(query, target, self.profile)
            if feature is not None:
                present.append(feature)
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
        found = self.reading.best(_names_of(query), schema, target, needed)
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
        return self._result(self.reading.compare(name1, name2, schema), name2)

    def _result(self, features: list[Feature], matched: str) -> MatchResult:
        score = min(1.0, max(0.0, sum(f.contribution for f in features)))
        return MatchResult(
            score=score,
            match=score >= self.profile.threshold,
            threshold=self.profile.threshold,
            profile=self.profile.name,
            matched_name=matched,
            features=tuple(features),
            algorithm=self.reading.algorithm,
        )
