"""The parts reading of two names, and its bound beside it.

``parts_score`` aligns the parts of two names one to one and scores the alignment::

    score = sum(w * shape(sim) for aligned pairs)
            / (sum(w for aligned pairs) + conflict * W(unaligned on both sides)
               + extra * W(unaligned on one side only))

so a part present on both sides but different (another first name) counts fully against,
while a part missing on one side (a middle name, a generic word of a company name) counts a
little (the charges are the :class:`~clearance.match.weights.Weights` of the kind of name).

``parts_bound`` is a cheap upper bound of ``parts_score`` on the same parts, weights and
similarity, so that screening can skip hopeless pairs without aligning them. Each part's best
possible evidence is its best shaped similarity to any part of the other name; a part with no
partner above ``MIN_SIM`` stays unaligned and is charged at least the least rate of any rule
that charges unaligned parts (``least_charge``: every charge rule of ``parts_score`` must have
its rate there); the largest ratio over any choice of aligned parts is taken (a prefix of the
parts sorted by evidence). A rule changed here is changed beside its bound, and
``tests/match/test_bounds.py`` checks that the bound never undercuts the score.
"""

from __future__ import annotations

from functools import lru_cache

from clearance.match.align import align, drop_stranded_initials
from clearance.match.skeletons import Similarity
from clearance.match.syllables import given_order
from clearance.match.tokens import (
    MIN_SIM,
    org_token_similarity,
    shape,
    spelling_may_align,
    spelling_profile,
    token_similarity,
)
from clearance.match.weights import Weights
from clearance.text.legal import legal_word
from clearance.text.spelling import marked_skeleton
from clearance.text.tables import Vocabulary, part_weights, vocabulary


def _unaligned_weight(token: str, weight: float, vocab: Vocabulary) -> float | None:
    """Weight of an organisation-name part only one name has: a country or region, or a
    legal-form word left over by a typo ("corporarion"), says almost nothing; an activity word
    names another business (``None``: counted apart, see ``Weights.activity_extra``)."""
    if token in vocab.geographic or legal_word(token):
        return part_weights().geographic
    if token in vocab.activity:
        return None
    return weight


def _conflict_weight(
    a: tuple[str, ...],
    wa: tuple[float, ...],
    free_a: set[int],
    b: tuple[str, ...],
    wb: tuple[float, ...],
    free_b: set[int],
    weights: Weights,
    bare: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset()),
) -> float:
    """Weight of the parts each name has and the other lacks. In organisation names a country
    or region only one side names is a qualifier ("... Bangladesh" / "... al"), but two
    different ones (the Kenya and the Somalia branch) disagree with their full weight. A bare
    theophoric half (``bare``) weighs as a whole name part."""
    raw = sum((1.0 if i in bare[0] else wa[i] for i in free_a), 0.0) + sum(
        (1.0 if j in bare[1] else wb[j] for j in free_b), 0.0
    )
    if not weights.qualified:
        return raw
    geo = vocabulary().geographic
    geo_a = any(a[i] in geo for i in free_a)
    if geo_a == any(b[j] in geo for j in free_b):
        return raw
    extra = part_weights().geographic
    return sum((extra if a[i] in geo else wa[i] for i in free_a), 0.0) + sum(
        (extra if b[j] in geo else wb[j] for j in free_b), 0.0
    )


def _family_name(toks: tuple[str, ...], free: set[int], wt: tuple[float, ...]) -> tuple[str, float]:
    """A family or tribal name ("al tikriti") among the unaligned parts, with its weight
    ("", 0.0 when there is none)."""
    particles = vocabulary().family_particles
    for i in sorted(free):
        if i > 0 and toks[i - 1] in particles and (i - 1) not in free:
            return toks[i], wt[i]
    return "", 0.0


#: family names whose consonant skeletons are this alike may be one name spelled two ways
#: ("omgy" / "amqi": ق written g or q)
FAMILY_SKELETON_SIM = 0.6


def _family_conflict(
    a: tuple[str, ...],
    wa: tuple[float, ...],
    free_a: set[int],
    b: tuple[str, ...],
    wb: tuple[float, ...],
    free_b: set[int],
) -> float:
    """What two different family or tribal names add to the conflict: each name's chain
    ends with its own ("Saddam Hussein al-Tikriti" / "Saddam Hussein al-Dulaimi" are two
    families, however many given names agree)."""
    (x, left), (y, right) = _family_name(a, free_a, wa), _family_name(b, free_b, wb)
    if not x or not y:
        return 0.0
    if token_similarity(marked_skeleton(x), marked_skeleton(y))[0] >= FAMILY_SKELETON_SIM:
        return 0.0
    return part_weights().family_conflict * (left + right)


def _given_missing(toks: tuple[str, ...], free: set[int], given: frozenset[str]) -> bool:
    return bool(given) and given <= {toks[i] for i in free}


def _primary_missing(toks: tuple[str, ...], free: set[int], given: frozenset[str]) -> int:
    """In a name written "SURNAME, Given", the index of its first family word when neither
    it nor the first given name is aligned, or when no family word is (-1 otherwise): a name
    that agrees only with the second given name and the second surname ("Antonio Garcia" /
    "VALDEZ GARCIA, Bernardo Antonio"), or only with the given names ("Alexander Henry" /
    "GRANKO ARTEAGA, Alexander Enrique"), is another person's, and that family word counts as
    much as a part that agrees. A family name after a particle ("AL-TIKRITI", a tribal name
    often left out) is not read as one."""
    if not given or not free:
        return -1
    family = [i for i, t in enumerate(toks) if t not in given]
    first_given = next((i for i, t in enumerate(toks) if t in given), -1)
    if not family or first_given < 0:
        return -1
    first = family[0]
    particles = vocabulary().particles
    if toks[first] in particles or (first > 0 and toks[first - 1] in particles):
        return -1
    if first in free and (first_given in free or all(i in free for i in family)):
        return first
    return -1


def _stranded(halves: frozenset[int], free: set[int], count: int) -> frozenset[int]:
    """The unaligned halves whose next part is aligned (see ``parts_score``)."""
    return frozenset(i for i in halves if i in free and i + 1 < count and i + 1 not in free)


def parts_score(
    a: tuple[str, ...],
    wa: tuple[float, ...],
    b: tuple[str, ...],
    wb: tuple[float, ...],
    weights: Weights,
    given: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
    similarity: Similarity = token_similarity,
    native: int = 0,
    bare: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset()),
) -> tuple[float, list[tuple[int, int, float, str]], set[int], set[int]]:
    """``bare``: the parts of each name that are the first half of a theophoric name written
    alone (Abd): unaligned while the part after it is aligned, each counts as a whole name
    part, in conflict or alone (a name that leaves out the half but keeps the word it
    qualifies names someone else: Abd Ali is not Ali; a name that leaves out all of "Abd
    al-Karim" leaves out a middle name). Charges only grow by it, so ``parts_bound`` stays
    above."""
    pairs, free_a, free_b = align(a, b, similarity)
    if free_a or free_b:
        pairs = drop_stranded_initials(a, b, pairs, free_a, free_b)
    if native:
        pairs = given_order(pairs, native)
    if bare[0] or bare[1]:
        bare = (_stranded(bare[0], free_a, len(a)), _stranded(bare[1], free_b, len(b)))
    num = den = 0.0
    floor = weights.single_word_floor if len(a) == len(b) == 1 else weights.floor
    for i, j, sim, _ in pairs:
        w = (wa[i] + wb[j]) / 2
        num += w * shape(sim, floor)
        den += w
    if free_a and free_b:
        den += weights.conflict * _conflict_weight(a, wa, free_a, b, wb, free_b, weights, bare)
        if not weights.qualified:
            den += _family_conflict(a, wa, free_a, b, wb, free_b)
        return (num / den if den else 0.0), pairs, free_a, free_b
    halves = [i for i in free_a if i in bare[0]] + [j for j in free_b if j in bare[1]]
    if halves:
        # a half only one name writes: as much as a part that agrees, not a left-out word
        den += len(halves)
    left = sum((wa[i] for i in free_a if i not in bare[0]), 0.0)
    right = sum((wb[j] for j in free_b if j not in bare[1]), 0.0)
    extra: list[float | None] = []
    if weights.qualified and (free_a or free_b):
        vocab = vocabulary()
        extra = [_unaligned_weight(a[i], wa[i], vocab) for i in free_a]
        extra += [_unaligned_weight(b[j], wb[j], vocab) for j in free_b]
        # another activity counts on its own, outside the capped share of missing parts
        # (at its own rate when a distinctive word agrees: see ``named_activity_extra``)
        activities = sum(1 for w in extra if w is None)
        if activities:
            named = any(wa[i] >= 1.0 and wb[j] >= 1.0 and sim >= 1.0 for i, j, sim, _ in pairs)
            rate = weights.named_activity_extra if named else weights.activity_extra
            den += rate * activities
        left, right = sum((w for w in extra if w is not None), 0.0), 0.0
    if (given[0] or given[1]) and (
        _given_missing(a, free_a, given[0]) or _given_missing(b, free_b, given[1])
    ):
        # a surname alone against "SURNAME, Given": every given name is missing, not a middle
        # one, and counts as much as a name part that agrees
        den += left + right
        return (num / den if den else 0.0), pairs, free_a, free_b
    if bool(given[0]) != bool(given[1]):
        # (one name written "SURNAME, Given", the other not: two such names of one person
        # often put other words before the comma, "KARIMI, Farzin" / "MAZLGHANCHAY, Farzin
        # Karimi")
        i, j = _primary_missing(a, free_a, given[0]), _primary_missing(b, free_b, given[1])
        primary = (wa[i] if i >= 0 else 0.0) + (wb[j] if j >= 0 else 0.0)
        if primary > 0.0:
            # the first family word of "SURNAME, Given" is missing with the first given
            # name: it counts fully, the other missing parts as usual
            den += primary
            left, right = left + right - primary, 0.0
    if weights.share and (left or right):
        # a distinctive word only one organisation name has counts as much as one both have
        # (the score is the share of distinctive words that agree); generic and geographic
        # words, single letters, count a little, once however many there are
        low = sum((w for w in extra if w is not None and w < 1.0), 0.0)
        den += weights.distinct_extra * (left - low) + weights.extra * min(low, 1.0)
    elif left or right:
        single = min(len(a), len(b)) == 1
        # a missing middle name or generic word counts once, however many there are
        den += (weights.single_extra if single else weights.extra) * min(
            left + right, weights.extra_cap
        )
    return (num / den if den else 0.0), pairs, free_a, free_b


# -- the bound of parts_score --


def least_charge(weights: Weights) -> float:
    """The least an unaligned part of weight 1 adds to the denominator of ``parts_score``,
    whichever of its rules charges it: the rate of every rule is here."""
    rates = [
        weights.conflict,  # parts on both sides (and a family name, which only adds)
        1.0,  # every given name missing: as much as a part that agrees
        weights.extra,
        weights.single_extra,
    ]
    if weights.share:
        rates.append(weights.distinct_extra)
    if weights.qualified:
        rates.extend((weights.activity_extra, weights.named_activity_extra))
    return min(rates)


def _charged_share(weights: Weights) -> float:
    """The most of the unaligned parts' weight a charge may leave out (``extra_cap``, and the
    generic words of an organisation name counted once)."""
    return min(1.0, weights.extra_cap)


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
    # spellings are compared only when their letters allow a similarity above MIN_SIM (most
    # pairs of parts of two names do not)
    spelled = similarity is org_token_similarity or similarity is token_similarity
    profiles_b = [spelling_profile(y) for y in b] if spelled else []
    for i, x in enumerate(a):
        profile_a = spelling_profile(x) if spelled else None
        for j, y in enumerate(b):
            if x == y:
                best_a[i] = best_b[j] = 1.0
                continue
            if profile_a is not None and not spelling_may_align(profile_a, profiles_b[j]):
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
    return least_charge(weights) * min(free, _charged_share(weights))


def parts_bound(
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
