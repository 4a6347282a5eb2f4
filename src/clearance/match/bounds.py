"""A cheap upper bound of a name comparison, so that screening can skip hopeless ones.

``name_bound(left, right)`` is never below ``compare_forms(left, right).score`` (a test checks
this on real list names against generated counterparties): when it is below what a candidate
needs to reach the threshold, the full alignment and its explanation are not computed.

It follows the readings of :func:`clearance.match.names.compare_forms` (and must follow them
when they change; the similarities it uses are never below the ones used there, e.g.
``token_similarity`` for ``org_token_similarity`` (or the latter where it is higher), plain
skeletons for long-vowel checks, and the charges of unaligned parts never above theirs):

* aligned parts: ``sum(w * shape(sim)) / (sum(w) + penalty)``. Each part's best possible
  evidence is its best shaped similarity to any part of the other name; a part with no partner
  above ``MIN_SIM`` stays unaligned and adds at least ``E * min(weight, 1)`` to the
  denominator, ``E`` being the smallest of the weights that charge unaligned parts. The largest
  ratio over any choice of aligned parts is taken (a prefix of the parts sorted by evidence);
* joined spellings, acronym, native script and transliteration readings, computed as there
  (or bounded from above);
* numbers only lower a score; an agreeing legal form raises it by ``legal_agree``.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from clearance.match.acronyms import acronym_score
from clearance.match.crossscript import cross_script, ratio
from clearance.match.names import (
    JOINED_LOOSE_FLOOR,
    Similarity,
    Weights,
    _merge,
    _weights_for,
    joined_equal,
    kind_weights,
    sides,
    skeleton_similarity,
)
from clearance.match.skeletons import abjad_similarity, skeleton_reading
from clearance.match.tokens import (
    LOOSE_SIM,
    MIN_SIM,
    org_token_similarity,
    shape,
    token_similarity,
)
from clearance.text.keys import NameForm
from clearance.text.legal import legal_word
from clearance.text.spelling import join_parts, loose_key
from clearance.text.tables import part_weights, vocabulary


def _charge(weights: Weights) -> float:
    """The least an unaligned part of weight 1 adds to the denominator, whichever rule applies."""
    rates = [weights.conflict, weights.extra, weights.single_extra]
    if weights.share:
        rates.append(weights.distinct_extra)
    if weights.qualified:
        rates.append(weights.activity_extra)
    return min(rates)


@lru_cache(maxsize=1 << 14)
def _qualifier_word(token: str) -> bool:
    """A geographic or legal-form word: charged little when only one name has it."""
    return token in vocabulary().geographic or legal_word(token)


def _free_weight(token: str, weight: float, qualified: bool) -> float:
    """The least weight an unaligned part is charged with (geographic and legal words little)."""
    if qualified and _qualifier_word(token):
        return min(weight, part_weights().geographic)
    return min(weight, 1.0)


def _best_shapes(
    a: tuple[str, ...],
    b: tuple[str, ...],
    similarity: Similarity,
    floor: float,
) -> tuple[list[float], list[float]]:
    """Best shaped similarity of each part to any part of the other name (``-1``: no partner
    above ``MIN_SIM``, the part cannot be aligned)."""
    best_a = [-1.0] * len(a)
    best_b = [-1.0] * len(b)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if x == y:
                best_a[i] = best_b[j] = 1.0
                continue
            sim = similarity(x, y)[0]
            if sim > MIN_SIM:
                value = shape(sim, floor)
                if value > best_a[i]:
                    best_a[i] = value
                if value > best_b[j]:
                    best_b[j] = value
    return best_a, best_b


def _penalty(
    free_a: list[tuple[str, float]], free_b: list[tuple[str, float]], weights: Weights
) -> float:
    """The least the parts that cannot be aligned add to the denominator. Parts on both sides:
    they conflict (geographic words count the ``geographic`` weight in organisation names); on one
    side only: at least the smallest charge, once."""
    if free_a and free_b:
        geo = vocabulary().geographic if weights.qualified else frozenset()
        return weights.conflict * sum(
            (min(w, part_weights().geographic) if t in geo else w for t, w in (*free_a, *free_b)),
            0.0,
        )
    free = sum((_free_weight(t, w, weights.qualified) for t, w in (*free_a, *free_b)), 0.0)
    return _charge(weights) * min(free, 1.0)


def _parts_bound(
    a: tuple[str, ...],
    wa: tuple[float, ...],
    b: tuple[str, ...],
    wb: tuple[float, ...],
    weights: Weights,
    similarity: Similarity,
) -> float:
    floor = weights.single_word_floor if len(a) == len(b) == 1 else weights.floor
    best_a, best_b = _best_shapes(a, b, similarity, floor)
    items: list[tuple[float, float]] = []
    free: tuple[list[tuple[str, float]], list[tuple[str, float]]] = ([], [])
    for side, toks, ws, best in ((0, a, wa, best_a), (1, b, wb, best_b)):
        for tok, w, value in zip(toks, ws, best, strict=True):
            if value < 0.0:
                free[side].append((tok, w))
            elif w > 0.0:
                # a pair's weight is the mean of its two parts': each side brings half
                items.append((value, w / 2))
    penalty = _penalty(free[0], free[1], weights) if free[0] or free[1] else 0.0
    items.sort(reverse=True)
    num = den = top = 0.0
    for value, w in items:
        num += value * w
        den += w
        ratio = num / (den + penalty)
        if ratio > top:
            top = ratio
        elif value < top:
            break
    return top


def _similarity(right: NameForm, skeletons: bool, same_abjad: bool) -> Similarity:
    if same_abjad:
        return abjad_similarity
    if skeletons:
        return skeleton_similarity
    return _upper_similarity


def _upper_similarity(a: str, b: str) -> tuple[float, str]:
    """Never below ``token_similarity`` nor ``org_token_similarity``: the latter only denies
    initials and sound-alikes with another first letter, except that it reads a patronymic
    "s" as a plural ("electronics" / "electronic"), as its spelling."""
    result = token_similarity(a, b)
    return org_token_similarity(a, b) if result[1] == "patronymic" else result


def _aligned_bound(left: NameForm, right: NameForm, skeletons: bool, same_abjad: bool) -> float:
    a, wa, b, wb, _ = sides(left, right, skeletons)
    if (a and b and joined_equal(a, b)) or (not a and not b and left.numbers):
        return 1.0
    if len(a) != len(b):
        ma = _merge(a, frozenset(b))
        mb = _merge(b, frozenset(ma))
    else:
        ma, mb = a, b
    bound = _parts_bound(
        ma,
        wa if ma is a else _weights_for(ma, a, wa),
        mb,
        wb if mb is b else _weights_for(mb, b, wb),
        kind_weights(right.kind),
        _similarity(right, skeletons, same_abjad),
    )
    if len(a) != len(b) and a and b:
        ja, jb = join_parts(a), join_parts(b)
        joined = ratio(ja, jb)
        if JOINED_LOOSE_FLOOR <= joined < LOOSE_SIM:
            joined = max(joined, ratio(loose_key(ja), loose_key(jb)) * LOOSE_SIM)
        bound = max(bound, shape(joined))
    return bound


def _whole_bound(left: NameForm, right: NameForm) -> float:
    # the acronym reading itself: a few comparisons of initials
    bound = acronym_score(left, right)
    if left.native and right.native and left.script == right.script:
        native = Levenshtein.normalized_similarity(left.native, right.native)
        bound = max(bound, native if native >= 0.95 else shape(native))
    if left.script != right.script and "Latn" in (left.script, right.script):
        bound = max(bound, cross_script(left, right)[0])
    return bound


def name_bound(left: NameForm, right: NameForm) -> float:
    """An upper bound of ``compare_forms(left, right).score``."""
    same_abjad, skeletons = skeleton_reading(left, right)
    bound = max(_aligned_bound(left, right, skeletons, same_abjad), _whole_bound(left, right))
    if left.legal_forms and right.legal_forms:
        bound *= 1.0 + kind_weights(right.kind).legal_agree
    return min(1.0, bound)
