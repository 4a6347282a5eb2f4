"""One-to-one alignment of the parts of two names, and the pairs it must not keep."""

from __future__ import annotations

from clearance.match.skeletons import LongVowels, Similarity, SplitKh, align_checked
from clearance.match.tokens import MIN_SIM, token_similarity
from clearance.text.tables import vocabulary


def align(
    a: tuple[str, ...], b: tuple[str, ...], similarity: Similarity = token_similarity
) -> tuple[list[tuple[int, int, float, str]], set[int], set[int]]:
    """One-to-one alignment, best pairs first: identical parts, then the most similar."""
    if isinstance(similarity, (LongVowels, SplitKh)):
        # (identical skeletons may still disagree, letter by letter)
        return align_checked(a, b, similarity)
    free_a, free_b = set(range(len(a))), set(range(len(b)))
    pairs: list[tuple[int, int, float, str]] = []
    positions: dict[str, list[int]] = {}
    for j, y in enumerate(b):
        positions.setdefault(y, []).append(j)
    for i, x in enumerate(a):
        slots = positions.get(x)
        if slots:
            j = slots.pop(0)
            free_a.discard(i)
            free_b.discard(j)
            pairs.append((i, j, 1.0, "exact"))
    if not free_a or not free_b:
        return pairs, free_a, free_b
    cands: list[tuple[float, int, int, str]] = []
    for i in free_a:
        for j in free_b:
            sim, how = similarity(a[i], b[j])
            if sim > MIN_SIM:
                cands.append((sim, i, j, how))
    cands.sort(reverse=True)
    for sim, i, j, how in cands:
        if i in free_a and j in free_b:
            free_a.discard(i)
            free_b.discard(j)
            pairs.append((i, j, sim, how))
    return pairs, free_a, free_b


def drop_stranded_initials(
    a: tuple[str, ...],
    b: tuple[str, ...],
    pairs: list[tuple[int, int, float, str]],
    free_a: set[int],
    free_b: set[int],
) -> list[tuple[int, int, float, str]]:
    """Pairs without an initial that stands for a word of the other name while its own name
    keeps a word nothing agrees with: "Peter W. Lane" is no "Peter Wood" (Lane is another
    surname), where "Peter W." or "P. Wood Lane" may be. Such an initial and its word are
    unaligned (``free_a``, ``free_b`` are updated)."""
    particles = vocabulary().particles
    kept: list[tuple[int, int, float, str]] = []
    for pair in pairs:
        i, j, _, how = pair
        if how == "initial" and len(a[i]) != len(b[j]):
            own, free = (a, free_a) if len(a[i]) == 1 else (b, free_b)
            if any(len(own[k]) > 1 and own[k] not in particles for k in free):
                free_a.add(i)
                free_b.add(j)
                continue
        kept.append(pair)
    return kept
