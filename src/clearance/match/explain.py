"""Readable reasons for name comparisons (what an analyst or a regulator reads)."""

from __future__ import annotations

from clearance.match.names import NameComparison
from clearance.match.result import Feature

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
    "vowel": "~ (vowel spelling)",
    "transposition": "~ (letters swapped)",
    "transliteration": "~ (transliteration)",
    "consonants": "~ (same consonants)",
}


def name_features(cmp: NameComparison, factor: float, kind: str) -> list[Feature]:
    """Features of one name comparison; ``factor`` < 1 for weak aliases."""
    parts = [
        f"{a} {_HOW.get(how, '~')} {b}" + ("" if sim >= 1.0 else f" ({sim:.2f})")
        for a, b, sim, how in cmp.pairs
    ]
    reason = f"name parts agree: {', '.join(parts)}" if parts else "no name part agrees"
    if cmp.extra_left and cmp.extra_right:
        reason += f"; differ: {' '.join(cmp.extra_left)} / {' '.join(cmp.extra_right)}"
    elif cmp.extra_left or cmp.extra_right:
        reason += f"; only on one side: {' '.join(cmp.extra_left + cmp.extra_right)}"
    if factor < 1.0:
        reason += f"; weak alias (x{factor:g})"
    features = [Feature("name", cmp.parts, cmp.parts * factor, reason)]
    if cmp.numbers in ("conflict", "missing"):
        left = " ".join(cmp.left.numbers) or "none"
        right = " ".join(cmp.right.numbers) or "none"
        delta = (cmp.score - cmp.parts) * factor if not cmp.legal else 0.0
        features.append(Feature("numbers", 0.0, delta, f"numbers differ: {left} / {right}"))
    elif cmp.numbers == "agree":
        features.append(
            Feature("numbers", 1.0, 0.0, f"numbers agree: {' '.join(cmp.left.numbers)}")
        )
    if cmp.legal:
        forms = f"{'/'.join(cmp.left.legal_forms)} vs {'/'.join(cmp.right.legal_forms)}"
        value = 1.0 if cmp.legal == "agree" else 0.0
        features.append(Feature("legal_form", value, 0.0, f"legal forms {cmp.legal}: {forms}"))
    return _balance(features, cmp.score * factor)


def _balance(features: list[Feature], total: float) -> list[Feature]:
    """Put the remainder (number and legal-form adjustments) on the last feature so that the
    contributions add up to the name score exactly."""
    diff = total - sum(f.contribution for f in features)
    if abs(diff) < 1e-9:
        return features
    last = features[-1]
    features[-1] = Feature(last.name, last.value, last.contribution + diff, last.reason)
    return features
