"""What a comparison returns: a score, a decision, and the features that explain it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Feature:
    """One named piece of evidence and what it did to the score."""

    name: str
    #: the feature's own similarity or agreement value, in [0, 1]
    value: float
    #: signed effect on the final score (a qualifier that disagrees has a negative one)
    contribution: float
    #: one sentence an analyst can read, e.g. "birth year 1962 matches 1962"
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "contribution": round(self.contribution, 4),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of scoring one query against one entity (or one name against another)."""

    score: float
    match: bool
    threshold: float
    profile: str
    #: the entity name that produced the best name score, as listed
    matched_name: str
    features: tuple[Feature, ...] = ()
    #: version of the scoring algorithm, recorded in audit trails
    algorithm: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "match": self.match,
            "threshold": self.threshold,
            "profile": self.profile,
            "algorithm": self.algorithm,
            "matched_name": self.matched_name,
            "features": [f.to_dict() for f in self.features],
        }
