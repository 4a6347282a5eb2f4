"""Name against name: align the parts of two compiled names and score the alignment.

The score is a weighted share of agreeing name parts::

    score = sum(w * shape(sim) for aligned pairs)
            / (sum(w for aligned pairs) + conflict * W(unaligned on both sides)
               + extra * W(unaligned on one side only))

so a part present on both sides but different (another first name) counts fully against,
while a part missing on one side (a middle name, a generic word of a company name) counts a
little. Parts are aligned one-to-one regardless of order ("SURNAME, Given" = "Given Surname");
adjacent parts that spell a part of the other name when joined are merged first ("sea lion"
= "sealion", "bei jing" = "beijing", "el dorado" = "eldorado"). Names from Arabic or Hebrew
script are compared as consonant skeletons; two names in the same non-Latin script are also
compared directly. Numbers must agree exactly; legal forms only nudge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import OSA, Levenshtein

from clearance.datafiles import load_data
from clearance.match.acronyms import ACRONYM_SCORE, acronym_score
from clearance.match.align import align, drop_stranded_initials
from clearance.match.comparison import NameComparison as NameComparison  # re-exported
from clearance.match.crossscript import cross_script, ratio
from clearance.match.skeletons import (
    LONG_VOWEL_SIM,
    LongVowels,
    abjad_similarity,
    same_split,
    skeleton_check,
    skeleton_reading,
)
from clearance.match.skeletons import skeleton_similarity as skeleton_similarity  # re-exported
from clearance.match.syllables import (
    given_order,
    hangul_similarity,
    native_share,
    native_side,
    pinyin_agree,
    pinyin_reading,
    pinyin_similarity,
    romanised_syllables,
    strict_pinyin,
)
from clearance.match.tokens import (
    LOOSE_SIM,
    org_token_similarity,
    shape,
    token_similarity,
)
from clearance.text.keys import NameForm
from clearance.text.legal import legal_word
from clearance.text.spelling import join_parts, loose_key, marked_skeleton, skeleton_letters
from clearance.text.tables import (
    Vocabulary,
    part_weights,
    vocabulary,
)
from clearance.text.translit import SYLLABARIES

#: joined spellings further apart than this are not tried folded (they never come close)
JOINED_LOOSE_FLOOR = 0.6

Similarity = Callable[[str, str], tuple[float, str]]


@dataclass(frozen=True, slots=True)
class Weights:
    """How much unaligned parts count against a name match, by kind of name: the ``kinds`` of
    ``data/name_weights.yaml``, where each field is explained."""

    conflict: float
    extra: float
    #: extra weight when the shorter name is a single part (a surname alone)
    single_extra: float
    number_conflict: float
    #: numbers differ in a fund or trust series (``series_words``): one sponsor's family
    series_number_conflict: float
    number_missing: float
    legal_agree: float
    legal_conflict: float
    #: similarity under which a name part counts nothing (see ``tokens.shape``)
    floor: float
    single_word_floor: float
    #: unaligned parts weighed by what they say (geographic and activity words)
    qualified: bool
    #: weight of each activity word only one organisation name has ("X" / "X Oil")
    activity_extra: float
    #: organisation names: a distinctive part only one name has counts against fully
    share: bool
    #: weight of each distinctive word only one organisation name has (``share`` only)
    distinct_extra: float
    #: most the parts only one name has count together, as a multiple of ``extra``
    extra_cap: float


@cache
def name_weights() -> dict[str, Weights]:
    """The weights of each kind of name: ``person``, ``org``, ``object`` (the kinds of
    :func:`clearance.text.keys.name_kind`), ``syllabic_person`` and ``skeleton_person``."""
    kinds = load_data("name_weights.yaml")["kinds"]
    return {kind: _weights(spec) for kind, spec in kinds.items()}


#: the fields of :class:`Weights` that are switches, not weights
_SWITCHES = frozenset({"qualified", "share"})


def _weights(spec: dict[str, object]) -> Weights:
    values: dict[str, float] = {}
    switches: dict[str, bool] = {}
    for key, value in spec.items():
        if key in _SWITCHES:
            switches[key] = bool(value)
        else:
            values[key] = float(str(value))
    return Weights(
        conflict=values["conflict"],
        extra=values["extra"],
        single_extra=values["single_extra"],
        number_conflict=values["number_conflict"],
        series_number_conflict=values["series_number_conflict"],
        number_missing=values["number_missing"],
        legal_agree=values["legal_agree"],
        legal_conflict=values["legal_conflict"],
        floor=values["floor"],
        single_word_floor=values["single_word_floor"],
        qualified=switches["qualified"],
        activity_extra=values["activity_extra"],
        share=switches["share"],
        distinct_extra=values["distinct_extra"],
        extra_cap=values["extra_cap"],
    )


def kind_weights(kind: str) -> Weights:
    """The weights of a kind of name (an unknown kind is an organisation's)."""
    table = name_weights()
    return table.get(kind) or table["org"]


def _part_similarity(
    left: NameForm, right: NameForm, same_abjad: bool, check: Similarity | None
) -> Similarity:
    """How two name parts are compared, by the scripts and kinds of the two names."""
    if same_abjad:
        return abjad_similarity
    if check is not None:
        return check
    person = right.kind == "person"
    if (
        "person" in (left.kind, right.kind)
        and "Latn" in (left.script, right.script)
        and (pinyin_reading(left) or pinyin_reading(right))
    ) or left.script == right.script == "Hani":
        # (two names in Chinese characters: another syllable is another character)
        return pinyin_similarity
    if person and {left.script, right.script} == {"Hang", "Latn"}:
        return hangul_similarity
    return token_similarity if person else org_token_similarity


def _weights_of(left: NameForm, right: NameForm, skeletons: bool) -> Weights:
    if right.kind == "person" and (left.script in SYLLABARIES or right.script in SYLLABARIES):
        return kind_weights("syllabic_person")
    if right.kind == "person" and skeletons:
        return kind_weights("skeleton_person")
    return kind_weights(right.kind)


def _near(joined: str, other: frozenset[str]) -> bool:
    """A part of the other name spelled almost like these parts joined ("abd allah" /
    "abdullah"): one letter apart in 6 or more, same first letter."""
    return len(joined) >= 6 and any(
        t[0] == joined[0]
        and abs(len(t) - len(joined)) <= 1
        and OSA.distance(t, joined, score_cutoff=1) <= 1
        for t in other
    )


def _merge(toks: tuple[str, ...], other: frozenset[str]) -> tuple[str, ...]:
    """Join runs of 2-3 adjacent tokens whose concatenation is a token of the other name, or
    one letter away from one."""
    if len(toks) < 2:
        return toks
    # near spellings are only worth joining on the side with more parts, at lengths that occur
    near = (
        {n for t in other if len(t) >= 5 for n in (len(t) - 1, len(t), len(t) + 1)}
        if len(toks) > len(other)
        else set()
    )
    out: list[str] = []
    i = 0
    while i < len(toks):
        for size in (3, 2):
            if i + size <= len(toks):
                parts = toks[i : i + size]
                joined = join_parts(parts)
                if joined in other or (
                    len(joined) in near
                    and all(len(t) > 1 and t not in other for t in parts)
                    and _near(joined, other)
                ):
                    out.append(joined)
                    i += size
                    break
        else:
            out.append(toks[i])
            i += 1
    return tuple(out)


def _side(form: NameForm, skeletons: bool) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if not skeletons:
        return form.tokens, form.weights
    # a word reduced to a single consonant ("ali" -> "l", "taha" -> "t") says little
    toks = form.skeleton
    short = part_weights().short_skeleton
    return toks, tuple(
        min(w, short) if skeleton_letters(s) == 1 and len(t) > 1 else w
        for s, t, w in zip(toks, form.tokens, form.weights, strict=True)
    )


def _weights_for(
    toks: tuple[str, ...], base: tuple[str, ...], weights: tuple[float, ...]
) -> tuple[float, ...]:
    if toks == base:
        return weights
    lookup = dict(zip(base, weights, strict=False))
    return tuple(lookup.get(t, 1.0) for t in toks)


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
) -> float:
    """Weight of the parts each name has and the other lacks. In organisation names a country
    or region only one side names is a qualifier ("... Bangladesh" / "... al"), but two
    different ones (the Kenya and the Somalia branch) disagree with their full weight."""
    raw = sum((wa[i] for i in free_a), 0.0) + sum((wb[j] for j in free_b), 0.0)
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


def _parts_score(
    a: tuple[str, ...],
    wa: tuple[float, ...],
    b: tuple[str, ...],
    wb: tuple[float, ...],
    weights: Weights,
    given: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
    similarity: Similarity = token_similarity,
    native: int = 0,
) -> tuple[float, list[tuple[int, int, float, str]], set[int], set[int]]:
    pairs, free_a, free_b = align(a, b, similarity)
    if free_a or free_b:
        pairs = drop_stranded_initials(a, b, pairs, free_a, free_b)
    if native:
        pairs = given_order(pairs, native)
    num = den = 0.0
    floor = weights.single_word_floor if len(a) == len(b) == 1 else weights.floor
    for i, j, sim, _ in pairs:
        w = (wa[i] + wb[j]) / 2
        num += w * shape(sim, floor)
        den += w
    if free_a and free_b:
        den += weights.conflict * _conflict_weight(a, wa, free_a, b, wb, free_b, weights)
        if not weights.qualified:
            den += _family_conflict(a, wa, free_a, b, wb, free_b)
        return (num / den if den else 0.0), pairs, free_a, free_b
    left = sum((wa[i] for i in free_a), 0.0)
    right = sum((wb[j] for j in free_b), 0.0)
    extra: list[float | None] = []
    if weights.qualified and (free_a or free_b):
        vocab = vocabulary()
        extra = [_unaligned_weight(a[i], wa[i], vocab) for i in free_a]
        extra += [_unaligned_weight(b[j], wb[j], vocab) for j in free_b]
        # another activity counts on its own, outside the capped share of missing parts
        den += weights.activity_extra * sum(1 for w in extra if w is None)
        left, right = sum((w for w in extra if w is not None), 0.0), 0.0
    if (given[0] or given[1]) and (
        _given_missing(a, free_a, given[0]) or _given_missing(b, free_b, given[1])
    ):
        # a surname alone against "SURNAME, Given": every given name is missing, not a middle
        # one, and counts as much as a name part that agrees
        den += left + right
    elif weights.share and (left or right):
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


Aligned = tuple[float, tuple[tuple[str, str, float, str], ...], tuple[str, ...], tuple[str, ...]]


def sides(
    left: NameForm, right: NameForm, skeletons: bool
) -> tuple[tuple[str, ...], tuple[float, ...], tuple[str, ...], tuple[float, ...], int]:
    """The parts and weights of both names as they are aligned, and which of them is a
    Chinese or Korean person's own name against a romanised one (see ``native_side``; 0 for
    neither): its romanised given name written as one word is split into syllables."""
    a, wa = _side(left, skeletons)
    b, wb = _side(right, skeletons)
    native = native_side(left, right) if right.kind == "person" and not skeletons else 0
    if native == 1:
        split = romanised_syllables(a, b)
        if split != b:
            b, wb = split, _weights_for(split, b, wb)
    elif native == 2:
        split = romanised_syllables(b, a)
        if split != a:
            a, wa = split, _weights_for(split, a, wa)
    return a, wa, b, wb, native


def joined_equal(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The two names' parts written together are the same: spacing differs, or nothing. With
    as many parts on both sides, the skeletons keep the marks of an initial vowel ("d -mr" is
    not "d mr": David Amar, David Mayer); with more on one side, a word's initial vowel is
    inside the other's ("-bd -l" / "-bdl": Abd Allah, Abdullah)."""
    if len(a) == len(b):
        return "".join(a) == "".join(b)
    return join_parts(a) == join_parts(b)


def _aligned_parts(left: NameForm, right: NameForm, skeletons: bool, same_abjad: bool) -> Aligned:
    """Score of the name parts aligned one to one (after joining parts that spell one part of
    the other name), or of the names joined when that is better."""
    a, wa, b, wb, native = sides(left, right, skeletons)
    only_numbers = not a and not b and bool(left.numbers) and left.numbers == right.numbers
    check = skeleton_check(left, right) if skeletons and not same_abjad else None
    # a skeleton reading of the names joined is weak evidence when a long vowel is missing,
    # or when the words end at other places (see ``same_split``)
    joined_agree = (not isinstance(check, LongVowels) or check.joined_agree) and (
        not skeletons or not a or not b or same_split(a, b)
    )
    if (a and b and joined_agree and joined_equal(a, b)) or only_numbers:
        pairs_out = (
            tuple((x, x, 1.0, "exact") for x in a)
            if a == b
            else ((" ".join(a), " ".join(b), 1.0, "joined"),)
        )
        return 1.0, pairs_out, (), ()
    if len(a) != len(b):
        ma = _merge(a, frozenset(b))
        mb = _merge(b, frozenset(ma))
    else:
        ma, mb = a, b
    # the given name of a Chinese or Korean person's own name of three syllables keeps its
    # order (when no syllables of it were joined)
    if (native == 1 and (len(ma) != 3 or ma != a)) or (native == 2 and (len(mb) != 3 or mb != b)):
        native = 0
    parts, pairs, free_a, free_b = _parts_score(
        ma,
        wa if ma is a else _weights_for(ma, a, wa),
        mb,
        wb if mb is b else _weights_for(mb, b, wb),
        _weights_of(left, right, skeletons),
        (left.given, right.given) if not skeletons else (frozenset(), frozenset()),
        _part_similarity(left, right, same_abjad, check),
        native,
    )
    if skeletons and pairs and all(skeleton_letters(ma[i]) == 1 for i, _, _, _ in pairs):
        parts *= part_weights().short_skeleton_factor
    ja, jb = join_parts(a), join_parts(b)
    if (
        len(a) != len(b)
        and a
        and b
        # a Chinese name against pinyin agrees syllable for syllable: joined, "chen shuai" is
        # only a letter from "chen shu yi"
        and not (strict_pinyin(left, right) and not pinyin_agree(ja, jb))
    ):
        joined = ratio(ja, jb)
        if JOINED_LOOSE_FLOOR <= joined < LOOSE_SIM and parts < LOOSE_SIM:
            joined = max(joined, ratio(loose_key(ja), loose_key(jb)) * LOOSE_SIM)
        # nor does a Chinese or Korean name written together lose or gain a syllable
        joined *= native_share(left, right)
        if not joined_agree:
            joined = min(joined, LONG_VOWEL_SIM)
        if shape(joined) > parts:
            return shape(joined), ((" ".join(a), " ".join(b), joined, "joined"),), (), ()
    return (
        parts,
        tuple((ma[i], mb[j], sim, how) for i, j, sim, how in pairs),
        tuple(ma[i] for i in sorted(free_a)),
        tuple(mb[j] for j in sorted(free_b)),
    )


def _whole_name(
    left: NameForm, right: NameForm, same_abjad: bool, skeletons: bool, best: Aligned
) -> Aligned:
    """The aligned score, or a whole-name reading when it is better: an acronym, the native
    script text, a transliteration against a Latin name (not for a name from an abjad whose
    words end at other places than the Latin name's, see ``same_split``: "sam iraziz" is not
    "smyr azyz" however alike the names written together)."""
    parts = best[0]
    one_part = len(left.tokens) == 1 or len(right.tokens) == 1
    acronym = acronym_score(left, right) if one_part else 0.0
    if acronym > parts:
        parts = acronym
        # a short acronym is shown with its score: it is supporting evidence only
        sim, how = (1.0, "acronym") if acronym >= ACRONYM_SCORE else (acronym, "short acronym")
        best = parts, ((left.normalized, right.normalized, sim, how),), (), ()
    if left.native and right.native and left.script == right.script:
        native = Levenshtein.normalized_similarity(left.native, right.native)
        if same_abjad:
            native = 2 * native - 1  # see abjad_similarity
        if native >= 0.95:
            parts = max(parts, native)
            best = parts, ((left.native, right.native, native, "native"),), (), ()
        elif shape(native) > parts:
            parts = shape(native)
            best = (parts, *best[1:])
    if (
        left.script != right.script
        and "Latn" in (left.script, right.script)
        and (not skeletons or same_split(left.skeleton, right.skeleton))
    ):
        cross, how = cross_script(left, right)
        if cross > parts:
            best = cross, ((left.normalized, right.normalized, cross, how),), (), ()
    return best


def compare_forms(left: NameForm, right: NameForm) -> NameComparison:
    """Compare two compiled names (both compiled for the same kind of entity)."""
    weights = kind_weights(right.kind)
    same_abjad, skeletons = skeleton_reading(left, right)
    aligned = _aligned_parts(left, right, skeletons, same_abjad)
    parts, pairs_out, extra_l, extra_r = _whole_name(left, right, same_abjad, skeletons, aligned)
    score = parts
    numbers = ""
    if left.numbers or right.numbers:
        if set(left.numbers) == set(right.numbers):
            numbers = "agree"
        elif left.numbers and right.numbers:
            series = vocabulary().series
            if series.isdisjoint(left.tokens) and series.isdisjoint(right.tokens):
                numbers, score = "conflict", score * weights.number_conflict
            else:
                numbers, score = "series", score * weights.series_number_conflict
        else:
            numbers, score = "missing", score * weights.number_missing
    legal = ""
    if left.legal_forms and right.legal_forms:
        if set(left.legal_forms) & set(right.legal_forms):
            legal, score = "agree", score + weights.legal_agree * score
        elif not (left.translated or right.translated):
            # (a legal form of a name read in English from its own script has no one English
            # form: 有限公司 is "Co., Ltd.", "Limited" or "Corporation")
            legal, score = "conflict", score - weights.legal_conflict * score
    return NameComparison(
        score=min(1.0, max(0.0, score)),
        parts=parts,
        pairs=pairs_out,
        extra_left=extra_l,
        extra_right=extra_r,
        numbers=numbers,
        legal=legal,
        left=left,
        right=right,
    )


def comparable(left: NameForm, right: NameForm) -> bool:
    """Whether two forms are compared at all: two names both read in English from their own
    scripts are not (their own texts are compared: 宇视科技 and 宇树科技 are two names, however
    alike "yushi technology" and "yushu technology" are)."""
    return not (left.translated and right.translated)


def compare_all(lefts: tuple[NameForm, ...], rights: tuple[NameForm, ...]) -> NameComparison:
    """The best comparison over all transliteration variants of both names."""
    best: NameComparison | None = None
    for left in lefts:
        for right in rights:
            if not comparable(left, right):
                continue
            result = compare_forms(left, right)
            if best is None or result.score > best.score:
                best = result
                if result.score >= 1.0:
                    return best
    assert best is not None
    return best
