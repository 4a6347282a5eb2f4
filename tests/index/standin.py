"""A stand-in scorer for index and screener tests: the best token_sort_ratio over names."""

from __future__ import annotations

from anyascii import anyascii
from rapidfuzz import fuzz

from clearance.match.result import Feature, MatchResult
from clearance.model import Entity, Query


def _fold(value: str) -> str:
    return anyascii(value).casefold()


class StandInScorer:
    def __init__(self, threshold: float = 0.8) -> None:
        self.threshold = threshold

    def prepare(self, entity: Entity) -> Entity:
        return entity

    def score(self, query: Query, entity: Entity) -> MatchResult:
        best, best_name = 0.0, entity.caption
        for qname in (query.name, *query.aliases):
            for name in entity.names:
                value = fuzz.token_sort_ratio(_fold(qname), _fold(name.value)) / 100.0
                if value > best:
                    best, best_name = value, name.value
        feature = Feature("name", best, best, f"name similarity {best:.2f}")
        return MatchResult(
            score=best,
            match=best >= self.threshold,
            threshold=self.threshold,
            profile="stand-in",
            matched_name=best_name,
            features=(feature,),
        )
