"""Readable reasons for name comparisons (what an analyst or a regulator reads)."""

from __future__ import annotations

from clearance.match.names import NameComparison
from clearance.match.result import Feature, Reason

_HOW = {
    "exact": "=",
    "joined": "= (spacing)",
    "nickname": "~ (nickname)",
    "romanisation": "~ (romanisation)",
    "initial": "~ (initial)",
    "phonetic": "~ (sounds alike)",
    "spelling": "~",
    "native": "= (native script)",
    "acronym": "= (acronym)",
    "short acronym": "~ (short acronym)",
    "vowel": "~ (vowel spelling)",
    "transposition": "~ (letters swapped)",
    "transliteration": "~ (transliteration)",
    "consonants": "~ (same consonants)",
    "transcription": "~ (transcribed in syllables)",
    "order": "~ (given name in another order)",
}


def _name_reason(
    pairs: tuple[tuple[str, str, float, str], ...],
    extra_left: tuple[str, ...],
    extra_right: tuple[str, ...],
    factor: float,
) -> str:
    parts = [
        f"{a} {_HOW.get(how, '~')} {b}" + ("" if sim >= 1.0 else f" ({sim:.2f})")
        for a, b, sim, how in pairs
    ]
    reason = f"name parts agree: {', '.join(parts)}" if parts else "no name part agrees"
    if extra_left and extra_right:
        reason += f"; differ: {' '.join(extra_left)} / {' '.join(extra_right)}"
    elif extra_left or extra_right:
        reason += f"; only on one side: {' '.join(extra_left + extra_right)}"
    if factor < 1.0:
        reason += f"; weak alias (x{factor:g})"
    return reason


def _numbers_reason(
    left: tuple[str, ...], right: tuple[str, ...] | None, series: bool = False
) -> str:
    if right is None:
        return f"numbers agree: {' '.join(left)}"
    text = f"numbers differ: {' '.join(left) or 'none'} / {' '.join(right) or 'none'}"
    return text + " (another of one series: related)" if series else text


def _legal_reason(how: str, left: tuple[str, ...], right: tuple[str, ...]) -> str:
    return f"legal forms {how}: {'/'.join(left)} vs {'/'.join(right)}"


def name_features(cmp: NameComparison, factor: float, kind: str) -> list[Feature]:
    """Features of one name comparison; ``factor`` < 1 for weak aliases. The name reason is
    rendered only when read (see :class:`Reason`)."""
    reason = Reason(_name_reason, (cmp.pairs, cmp.extra_left, cmp.extra_right, factor))
    features = [Feature("name", cmp.parts, cmp.parts * factor, reason)]
    if cmp.numbers in ("conflict", "series", "missing"):
        delta = (cmp.score - cmp.parts) * factor if not cmp.legal else 0.0
        series = cmp.numbers == "series"
        text = Reason(_numbers_reason, (cmp.left.numbers, cmp.right.numbers, series))
        features.append(Feature("numbers", 0.0, delta, text))
    elif cmp.numbers == "agree":
        text = Reason(_numbers_reason, (cmp.left.numbers, None))
        features.append(Feature("numbers", 1.0, 0.0, text))
    if cmp.legal:
        value = 1.0 if cmp.legal == "agree" else 0.0
        text = Reason(_legal_reason, (cmp.legal, cmp.left.legal_forms, cmp.right.legal_forms))
        features.append(Feature("legal_form", value, 0.0, text))
    return _balance(features, cmp.score * factor)


def _balance(features: list[Feature], total: float) -> list[Feature]:
    """Put the remainder (number and legal-form adjustments) on the last feature so that the
    contributions add up to the name score exactly."""
    diff = total - sum((f.contribution for f in features), 0.0)
    if abs(diff) < 1e-9:
        return features
    last = features[-1]
    features[-1] = Feature(last.name, last.value, last.contribution + diff, last.text)
    return features
