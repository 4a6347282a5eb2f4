"""What a comparison returns: a score, a decision, and the features that explain it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Reason:
    """A reason not yet written: ``render(*args)`` gives the sentence. Scoring builds one per
    feature; most results are never read (screening keeps only the best candidates), so the
    text is rendered only when asked for.

    The classes of this module are written out rather than frozen dataclasses so that their
    constructors compile to native code (scoring makes several per comparison)."""

    __slots__ = ("args", "render")

    render: Callable[..., str]
    args: tuple[Any, ...]

    def __init__(self, render: Callable[..., str], args: tuple[Any, ...] = ()) -> None:
        self.render = render
        self.args = args

    def __str__(self) -> str:
        return self.render(*self.args)


class Feature:
    """One named piece of evidence and what it did to the score."""

    __slots__ = ("contribution", "name", "text", "value")

    name: str
    #: the feature's own similarity or agreement value, in [0, 1]
    value: float
    #: signed effect on the final score (a qualifier that disagrees has a negative one)
    contribution: float
    #: the reason as text or as a :class:`Reason` rendered on access (see ``reason``)
    text: str | Reason

    def __init__(self, name: str, value: float, contribution: float, text: str | Reason) -> None:
        self.name = name
        self.value = value
        self.contribution = contribution
        self.text = text

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


class MatchResult:
    """The outcome of scoring one query against one entity (or one name against another)."""

    __slots__ = (
        "algorithm",
        "features",
        "match",
        "matched_name",
        "profile",
        "score",
        "threshold",
    )

    score: float
    match: bool
    threshold: float
    profile: str
    #: the entity name that produced the best name score, as listed
    matched_name: str
    features: tuple[Feature, ...]
    #: version of the scoring algorithm, recorded in audit trails
    algorithm: str

    def __init__(
        self,
        score: float,
        match: bool,
        threshold: float,
        profile: str,
        matched_name: str,
        features: tuple[Feature, ...] = (),
        algorithm: str = "",
    ) -> None:
        self.score = score
        self.match = match
        self.threshold = threshold
        self.profile = profile
        self.matched_name = matched_name
        self.features = features
        self.algorithm = algorithm

    def _key(self) -> tuple[object, ...]:
        return (
            self.score,
            self.match,
            self.threshold,
            self.profile,
            self.matched_name,
            self.features,
            self.algorithm,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MatchResult) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"MatchResult(score={self.score!r}, match={self.match!r}, "
            f"threshold={self.threshold!r}, profile={self.profile!r}, "
            f"matched_name={self.matched_name!r}, features={self.features!r}, "
            f"algorithm={self.algorithm!r})"
        )

    def __reduce__(self) -> tuple[type[MatchResult], tuple[object, ...]]:
        return (MatchResult, self._key())

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
