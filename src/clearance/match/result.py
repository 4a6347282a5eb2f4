"""What a comparison returns: a score, a decision, and the features that explain it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason not yet written: ``render(*args)`` gives the sentence. Scoring builds one per
    feature; most results are never read (screening keeps only the best candidates), so the
    text is rendered only when asked for."""

    render: Callable[..., str]
    args: tuple[Any, ...] = ()

    def __str__(self) -> str:
        return self.render(*self.args)


@dataclass(frozen=True, slots=True, eq=False)
class Feature:
    """One named piece of evidence and what it did to the score."""

    name: str
    #: the feature's own similarity or agreement value, in [0, 1]
    value: float
    #: signed effect on the final score (a qualifier that disagrees has a negative one)
    contribution: float
    #: the reason as text or as a :class:`Reason` rendered on access (see ``reason``)
    text: str | Reason

    @property
    def reason(self) -> str:
        """One sentence an analyst can read, e.g. "birth year 1962 matches 1962"."""
        text = self.text
        return text if isinstance(text, str) else str(text)

    def _key(self) -> tuple[str, float, float, str]:
        return (self.name, self.value, self.contribution, self.reason)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Feature) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Feature(name={self.name!r}, value={self.value!r}, "
            f"contribution={self.contribution!r}, reason={self.reason!r})"
        )

    def __reduce__(self) -> tuple[type[Feature], tuple[str, float, float, str]]:
        return (Feature, self._key())

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
