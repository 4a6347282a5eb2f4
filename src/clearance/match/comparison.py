"""What comparing two compiled names gives: the score and the parts that explain it."""

from __future__ import annotations

from clearance.text.keys import NameForm


class NameComparison:
    """One name compared with another. Immutable by convention; a hand-written class rather
    than a frozen dataclass, so that its constructor compiles to native code (one is made
    for every pair of name forms compared)."""

    __slots__ = (
        "extra_left",
        "extra_right",
        "left",
        "legal",
        "numbers",
        "pairs",
        "parts",
        "right",
        "score",
    )

    score: float
    #: agreement of the name parts alone, before numbers and legal forms
    parts: float
    pairs: tuple[tuple[str, str, float, str], ...]
    extra_left: tuple[str, ...]
    extra_right: tuple[str, ...]
    numbers: str  # "", "agree", "conflict", "missing"
    legal: str  # "", "agree", "conflict"
    left: NameForm
    right: NameForm

    def __init__(
        self,
        score: float,
        parts: float,
        pairs: tuple[tuple[str, str, float, str], ...],
        extra_left: tuple[str, ...],
        extra_right: tuple[str, ...],
        numbers: str,
        legal: str,
        left: NameForm,
        right: NameForm,
    ) -> None:
        self.score = score
        self.parts = parts
        self.pairs = pairs
        self.extra_left = extra_left
        self.extra_right = extra_right
        self.numbers = numbers
        self.legal = legal
        self.left = left
        self.right = right

    def __repr__(self) -> str:
        return (
            f"NameComparison(score={self.score!r}, parts={self.parts!r}, pairs={self.pairs!r}, "
            f"numbers={self.numbers!r}, legal={self.legal!r})"
        )
