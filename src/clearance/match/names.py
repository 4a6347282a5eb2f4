"""Name against name: the readings of two compiled names, each with its bound beside it.

A comparison is the best of these readings, adjusted by numbers and legal forms:

* the parts reading (:mod:`clearance.match.parts`): the parts aligned one to one regardless
  of order ("SURNAME, Given" = "Given Surname"), adjacent parts that spell a part of the other
  name when joined merged first ("sea lion" = "sealion", "bei jing" = "beijing", "el dorado" =
  "eldorado"); names from Arabic or Hebrew script compared as consonant skeletons;
* the names written together, when their parts are not as many ("abdulrahman");
* whole-name readings: an acronym, the native-script texts, a transliteration against a Latin
  name.

:func:`name_bound` is an upper bound of :func:`compare_forms` built from the same readings:
the parts reading and its bound take their parts, weights and similarity from one
:class:`PartsInput`; the whole-name readings are their own bounds. Numbers must agree exactly;
legal forms only nudge.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA, Levenshtein

from clearance.match.acronyms import ACRONYM_SCORE, acronym_score
from clearance.match.comparison import NameComparison as NameComparison  # re-exported
from clearance.match.crossscript import cross_script, ratio
from clearance.match.parts import parts_bound, parts_score
from clearance.match.skeletons import (
    LONG_VOWEL_SIM,
    LongVowels,
    Similarity,
    abjad_similarity,
    same_split,
    skeleton_check,
    skeleton_reading,
)
from clearance.match.skeletons import skeleton_similarity as skeleton_similarity  # re-exported
from clearance.match.syllables import (
    hangul_similarity,
    japanese_person,
    japanese_similarity,
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
from clearance.match.weights import Weights, kind_weights
from clearance.text.keys import NameForm
from clearance.text.spelling import (
    PARTICLE_START,
    VOWEL_START,
    consonants,
    join_parts,
    loose_key,
    marked_skeleton,
    particle_skeleton,
    skeleton_letters,
)
from clearance.text.tables import part_weights, sun_letters, vocabulary
from clearance.text.translit import SYLLABARIES

#: joined spellings further apart than this are not tried folded (they never come close)
JOINED_LOOSE_FLOOR = 0.6


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
    if japanese_person(left, right):
        return japanese_similarity
    return token_similarity if person else org_token_similarity


def _weights_of(left: NameForm, right: NameForm, skeletons: bool) -> Weights:
    if right.kind == "person" and (left.script in SYLLABARIES or right.script in SYLLABARIES):
        return kind_weights("syllabic_person")
    if right.kind == "person" and skeletons:
        return kind_weights("skeleton_person")
    if right.kind == "org" and (left.translated or right.translated):
        return kind_weights("translated_org")
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


#: the skeleton of a family particle ending with the article's l ("al" -> "-=l")
_ARTICLE = VOWEL_START + PARTICLE_START + "l"


def _assimilated(parts: tuple[str, ...], heads: tuple[str, ...] | None = None) -> str:
    """Skeletons written together with the article before a sun letter spoken as that letter
    ("nr -=l dn" -> "nrdn": Noureddine, as a skeleton writes the doubled d once); "" when no
    article stands before one. ``heads``: the first letters of the words as written, when the
    parts are their skeletons; a skeleton that dropped its word's first letter (the jim of
    الجعليين, "jlyyn" -> "ln") does not start with a sun letter."""
    if _ARTICLE not in parts[:-1]:
        return ""
    sun = sun_letters()
    out = list(parts)
    found = False
    for k, part in enumerate(parts[:-1]):
        # (a word marked as starting with a vowel starts with an alef or an ayin: no sun letter)
        if (
            part == _ARTICLE
            and parts[k + 1][:1] in sun
            and (heads is None or heads[k + 1] == parts[k + 1][:1])
        ):
            out[k] = VOWEL_START + PARTICLE_START
            found = True
    return join_parts(tuple(out)) if found else ""


def _inner(word: str, part: str) -> str:
    """The skeleton of a word written before another, its final h kept: a skeleton drops a
    final h (صلاح "slh" -> "sl"), which is no longer final written together with the next word
    ("Salahuddin": "slhdn")."""
    if not word or part.startswith(VOWEL_START + PARTICLE_START):
        return part
    # (a mark after the word keeps its h from being the last letter, and is cut off again)
    kept = marked_skeleton(word + VOWEL_START)[:-1]
    return kept if kept == part + "h" else part


def _spellings(
    parts: tuple[str, ...], inner: tuple[str, ...], after: str, heads: tuple[str, ...] | None
) -> list[str]:
    """The ways a run of parts is written together, the plain one first: with the words' final
    h kept (``inner``: "sl -=l dn" -> "slhdn", Salahuddin), and with the article spoken as the
    sun letter after it (``_assimilated``), in the run ("nrdn", Noureddine) or starting the
    word ``after`` it, doubled ("-bd -=l" before "str" -> "-bds": Abdus Sattar). ``heads``:
    the first letters of the run's words and of the word after it, as written (skeletons)."""
    out = [join_parts(parts)]
    sun = sun_letters()
    after_head = heads[len(parts)] if heads is not None and len(heads) > len(parts) else None
    for run in (parts, inner) if inner != parts else (parts,):
        if run is not parts:
            out.append(join_parts(run))
        spoken = _assimilated(run, heads)
        if spoken:
            out.append(spoken)
        if (
            run[-1] == _ARTICLE
            and len(run) > 1
            and after[:1] in sun
            and (heads is None or after_head == after[:1])
        ):
            # the letter as a skeleton writes it: one consonant or two (s, sh)
            out.extend(join_parts(run[:-1]) + after[:n] for n in (1, 2))
    return out


def _merge(
    toks: tuple[str, ...], other: frozenset[str], words: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Join runs of 2-3 adjacent tokens whose concatenation is a token of the other name, or
    one letter away from one; a run with the Arabic article also as spoken before a sun
    letter (``_spellings``: "nr -=l dn" is "nrdn", Noureddine). ``words``, the words the
    tokens are the skeletons of, keep a final h written inside a run (Salahuddin)."""
    if len(toks) < 2:
        return toks
    # near spellings are only worth joining on the side with more parts, at lengths that occur
    near = (
        {n for t in other if len(t) >= 5 for n in (len(t) - 1, len(t), len(t) + 1)}
        if len(toks) > len(other)
        else set()
    )
    inner = tuple(_inner(w, t) for w, t in zip(words, toks, strict=True)) if words else toks
    heads = tuple(w[:1] for w in words) if words else None
    # a run is joined only when written together it starts as a token of the other name does
    # and has a length one has (or one near it): most runs fail these before they are joined
    starts = {t[:1] for t in other}
    reach = {len(t) for t in other} | near
    count = len(toks)
    out: list[str] = []
    i = 0
    while i < count:
        joined = False
        if toks[i][:1] in starts or not toks[i]:
            for size in (3, 2):
                if i + size > count:
                    continue
                parts = toks[i : i + size]
                total = sum(len(t) for t in parts)
                # joined, a skeleton's vowel and particle marks may be dropped: at most as many
                # letters fewer as the parts have marks
                marks = sum(t.count(VOWEL_START) + t.count(PARTICLE_START) for t in parts)
                # (and an article spoken as the next letter one more; a final h kept inside
                # the run, or a next word's first letter or two, a letter or two more)
                marks += _ARTICLE in parts[:-1]
                kept = inner[i : i + size - 1] + parts[-1:]
                extra = sum(len(t) for t in kept) - total + 2 * (parts[-1] == _ARTICLE)
                if not any(n in reach for n in range(total - marks, total + extra + 1)):
                    continue
                spellings = _spellings(
                    parts,
                    kept,
                    toks[i + size] if i + size < count else "",
                    heads[i : i + size + 1] if heads is not None else None,
                )
                candidate = next((c for c in spellings if c in other), spellings[0])
                if candidate in other or (
                    len(candidate) in near
                    and all(len(t) > 1 and t not in other for t in parts)
                    and _near(candidate, other)
                ):
                    out.append(candidate)
                    joined = True
                    i += size
                    break
        if not joined:
            out.append(toks[i])
            i += 1
    return tuple(out)


def _doubled(letters: str) -> bool:
    """A word's consonants are one consonant written twice or more ("dd": דוד, David)."""
    return len(letters) >= 2 and len(set(letters)) == 1


def _side(form: NameForm, skeletons: bool) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if not skeletons:
        return form.tokens, form.weights
    # a word reduced to a single consonant ("ali" -> "l") says little; one that writes it
    # twice with a vowel between (דוד "dvd", David) has two
    particles = vocabulary().family_particles
    # (a particle followed by the word it belongs to: not the last word)
    last = len(form.tokens) - 1
    toks = tuple(
        particle_skeleton(t) if t in particles and i < last else s
        for i, (s, t) in enumerate(zip(form.skeleton, form.tokens, strict=True))
    )
    short = part_weights().short_skeleton
    return toks, tuple(
        min(w, short)
        if skeleton_letters(s) == 1 and len(t) > 1 and not _doubled(consonants(t, False))
        else w
        for s, t, w in zip(toks, form.tokens, form.weights, strict=True)
    )


def _weights_for(
    toks: tuple[str, ...], base: tuple[str, ...], weights: tuple[float, ...]
) -> tuple[float, ...]:
    if toks == base:
        return weights
    lookup = dict(zip(base, weights, strict=False))
    return tuple(lookup.get(t, 1.0) for t in toks)


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


class PartsInput:
    """The parts of two names as the parts reading compares them, with the similarity and
    the weights it uses: the score (:func:`_aligned_parts`) and its bound
    (:func:`_aligned_bound`) both read them from here, so they cannot compare different
    parts. Hand-written with slots, so that it compiles to a native class."""

    __slots__ = (
        "a",
        "b",
        "equal",
        "given",
        "joined_agree",
        "ma",
        "mb",
        "native",
        "similarity",
        "weights",
        "wma",
        "wmb",
    )

    def __init__(self, left: NameForm, right: NameForm, skeletons: bool, same_abjad: bool) -> None:
        a, wa, b, wb, native = sides(left, right, skeletons)
        self.a, self.b = a, b
        check = skeleton_check(left, right) if skeletons and not same_abjad else None
        # a skeleton reading of the names joined is weak evidence when a long vowel is
        # missing, or when the words end at other places (see ``same_split``)
        self.joined_agree: bool = (not isinstance(check, LongVowels) or check.joined_agree) and (
            not skeletons or not a or not b or same_split(a, b)
        )
        only_numbers = not a and not b and bool(left.numbers) and left.numbers == right.numbers
        #: the names agree written together (or are numbers alone that agree): nothing to align
        self.equal: bool = (
            bool(a)
            and bool(b)
            and self.joined_agree
            and joined_equal(a, b)
            and (len(a) != len(b) or not isinstance(check, LongVowels) or check.words_agree(a, b))
        ) or only_numbers
        ma, mb = a, b
        if not self.equal:
            # (the words keep a final h inside a run: skeletons only, whose parts are theirs)
            words_a, words_b = (left.tokens, right.tokens) if skeletons else ((), ())
            ma = _merge(a, frozenset(b), words_a)
            mb = _merge(b, frozenset(ma), words_b)
        # the given name of a Chinese or Korean person's own name of three syllables keeps its
        # order (when no syllables of it were joined)
        if (native == 1 and (len(ma) != 3 or ma != a)) or (
            native == 2 and (len(mb) != 3 or mb != b)
        ):
            native = 0
        self.native: int = native
        self.ma, self.mb = ma, mb
        self.wma: tuple[float, ...] = wa if ma is a else _weights_for(ma, a, wa)
        self.wmb: tuple[float, ...] = wb if mb is b else _weights_for(mb, b, wb)
        self.weights: Weights = _weights_of(left, right, skeletons)
        self.given: tuple[frozenset[str], frozenset[str]] = (
            (left.given, right.given) if not skeletons else (frozenset(), frozenset())
        )
        self.similarity: Similarity = _part_similarity(left, right, same_abjad, check)


def _joined_reading(
    left: NameForm, right: NameForm, parts_in: PartsInput, parts: float | None
) -> float:
    """Similarity of the two names written together, when they have different numbers of
    parts ("abd al rahman" / "abdulrahman"); 0.0 otherwise. The folded spellings are tried
    when the ``parts`` score is weak. With ``parts`` None, its bound: the folded spellings
    always tried, and the checks that can only lower it (syllables, long vowels) skipped."""
    a, b = parts_in.a, parts_in.b
    if len(a) == len(b) or not a or not b:
        return 0.0
    ja, jb = join_parts(a), join_parts(b)
    joined = ratio(ja, jb)
    if JOINED_LOOSE_FLOOR <= joined < LOOSE_SIM and (parts is None or parts < LOOSE_SIM):
        joined = max(joined, ratio(loose_key(ja), loose_key(jb)) * LOOSE_SIM)
    if parts is None:
        return joined
    # a Chinese name against pinyin agrees syllable for syllable: joined, "chen shuai" is
    # only a letter from "chen shu yi"
    if strict_pinyin(left, right) and not pinyin_agree(ja, jb):
        return 0.0
    # nor does a Chinese or Korean name written together lose or gain a syllable
    joined *= native_share(left, right)
    if not parts_in.joined_agree:
        joined = min(joined, LONG_VOWEL_SIM)
    return joined


def _bare_halves(form: NameForm, toks: tuple[str, ...], merged: tuple[str, ...]) -> frozenset[int]:
    """The parts of ``merged`` (``toks``, a name's parts as aligned, with runs joined) that are
    a theophoric half written alone (Abd: ``theophoric_halves``), not joined to a word."""
    halves = vocabulary().theophoric_halves
    words = form.tokens
    if form.kind != "person" or len(words) != len(toks) or halves.isdisjoint(words):
        return frozenset()
    out: set[int] = set()
    i = 0
    for k, tok in enumerate(merged):
        if i < len(toks) and tok == toks[i]:
            if words[i] in halves:
                out.add(k)
            i += 1
            continue
        size = next((n for n in (3, 2) if join_parts(toks[i : i + n]) == tok), 0)
        if not size:
            return frozenset()
        i += size
    return frozenset(out)


def _aligned_parts(
    left: NameForm, right: NameForm, parts_in: PartsInput, skeletons: bool
) -> Aligned:
    """Score of the name parts aligned one to one (after joining parts that spell one part of
    the other name)."""
    a, b = parts_in.a, parts_in.b
    if parts_in.equal:
        pairs_out = (
            tuple((x, x, 1.0, "exact") for x in a)
            if a == b
            else ((" ".join(a), " ".join(b), 1.0, "joined"),)
        )
        return 1.0, pairs_out, (), ()
    ma, mb = parts_in.ma, parts_in.mb
    parts, pairs, free_a, free_b = parts_score(
        ma,
        parts_in.wma,
        mb,
        parts_in.wmb,
        parts_in.weights,
        parts_in.given,
        parts_in.similarity,
        parts_in.native,
        (_bare_halves(left, a, ma), _bare_halves(right, b, mb)),
    )
    if skeletons and pairs and all(skeleton_letters(ma[i]) == 1 for i, _, _, _ in pairs):
        parts *= part_weights().short_skeleton_factor
    return (
        parts,
        tuple((ma[i], mb[j], sim, how) for i, j, sim, how in pairs),
        tuple(ma[i] for i in sorted(free_a)),
        tuple(mb[j] for j in sorted(free_b)),
    )


def _aligned_bound(parts_in: PartsInput) -> float:
    """An upper bound of ``_aligned_parts`` and of the joined reading (``parts_bound`` on the
    same parts; the short-skeleton discount only lowers)."""
    if parts_in.equal:
        return 1.0
    bound = parts_bound(
        parts_in.ma, parts_in.wma, parts_in.mb, parts_in.wmb, parts_in.weights, parts_in.similarity
    )
    return bound


def _with_joined(left: NameForm, right: NameForm, parts_in: PartsInput, best: Aligned) -> Aligned:
    """The aligned parts, or the names written together when that reads better."""
    if parts_in.equal:
        return best
    joined = _joined_reading(left, right, parts_in, best[0])
    if shape(joined) > best[0]:
        a, b = parts_in.a, parts_in.b
        return shape(joined), ((" ".join(a), " ".join(b), joined, "joined"),), (), ()
    return best


def _acronym_reading(left: NameForm, right: NameForm) -> float:
    """One name read as the acronym of the other (0.0 when neither is one word)."""
    if len(left.tokens) == 1 or len(right.tokens) == 1:
        return acronym_score(left, right)
    return 0.0


def _native_reading(left: NameForm, right: NameForm, same_abjad: bool) -> float:
    """Similarity of the two names' own texts, both in one script other than Latin (-1.0 when
    they are not)."""
    if not (left.native and right.native and left.script == right.script):
        return -1.0
    native = Levenshtein.normalized_similarity(left.native, right.native)
    if same_abjad:
        native = 2 * native - 1  # see abjad_similarity
    return native


def _cross_reading(left: NameForm, right: NameForm, skeletons: bool) -> tuple[float, str]:
    """A transliteration against a Latin name, whole (not for a name from an abjad whose words
    end at other places than the Latin name's, see ``same_split``: "sam iraziz" is not "smyr
    azyz" however alike the names written together)."""
    if (
        left.script != right.script
        and "Latn" in (left.script, right.script)
        and (not skeletons or same_split(left.skeleton, right.skeleton))
    ):
        return cross_script(left, right)
    return 0.0, ""


def _whole_name(
    left: NameForm, right: NameForm, same_abjad: bool, skeletons: bool, best: Aligned
) -> Aligned:
    """The aligned score, or a whole-name reading when it is better: an acronym, the native
    script text, a transliteration against a Latin name."""
    parts = best[0]
    acronym = _acronym_reading(left, right)
    if acronym > parts:
        parts = acronym
        # a short acronym is shown with its score: it is supporting evidence only
        sim, how = (1.0, "acronym") if acronym >= ACRONYM_SCORE else (acronym, "short acronym")
        best = parts, ((left.normalized, right.normalized, sim, how),), (), ()
    native = _native_reading(left, right, same_abjad)
    if native >= 0.95:
        parts = max(parts, native)
        best = parts, ((left.native, right.native, native, "native"),), (), ()
    elif shape(native) > parts:
        parts = shape(native)
        best = (parts, *best[1:])
    cross, how = _cross_reading(left, right, skeletons)
    if cross > parts:
        best = cross, ((left.normalized, right.normalized, cross, how),), (), ()
    return best


def _whole_bound(left: NameForm, right: NameForm, same_abjad: bool, skeletons: bool) -> float:
    """The best whole-name reading (each reading is its own bound: they are cheap)."""
    return max(
        _acronym_reading(left, right),
        shape(_native_reading(left, right, same_abjad)),
        _cross_reading(left, right, skeletons)[0],
    )


def _adjusted(score: float, left: NameForm, right: NameForm) -> tuple[float, str, str]:
    """The score after numbers and legal forms (``numbers``, ``legal``: how they compare).
    The result never decreases as ``score`` grows, so it adjusts a bound as well."""
    if not (left.numbers or right.numbers or (left.legal_forms and right.legal_forms)):
        return min(1.0, max(0.0, score)), "", ""
    weights = kind_weights(right.kind)
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
    return min(1.0, max(0.0, score)), numbers, legal


def compare_forms(left: NameForm, right: NameForm) -> NameComparison:
    """Compare two compiled names (both compiled for the same kind of entity)."""
    same_abjad, skeletons = skeleton_reading(left, right)
    parts_in = PartsInput(left, right, skeletons, same_abjad)
    aligned = _with_joined(left, right, parts_in, _aligned_parts(left, right, parts_in, skeletons))
    parts, pairs_out, extra_l, extra_r = _whole_name(left, right, same_abjad, skeletons, aligned)
    score, numbers, legal = _adjusted(parts, left, right)
    return NameComparison(
        score=score,
        parts=parts,
        pairs=pairs_out,
        extra_left=extra_l,
        extra_right=extra_r,
        numbers=numbers,
        legal=legal,
        left=left,
        right=right,
    )


def name_bound(left: NameForm, right: NameForm) -> float:
    """An upper bound of ``compare_forms(left, right).score``, cheaper to compute: the same
    readings, each bounded beside it (the parts reading by ``parts_bound``, the joined one
    with its folded spellings always tried, the whole-name readings exactly), then the same
    adjustments. Screening skips a pair of names whose bound cannot reach what it needs."""
    same_abjad, skeletons = skeleton_reading(left, right)
    parts_in = PartsInput(left, right, skeletons, same_abjad)
    bound = _aligned_bound(parts_in)
    if bound < 1.0:
        bound = max(
            bound,
            0.0 if parts_in.equal else shape(_joined_reading(left, right, parts_in, None)),
            _whole_bound(left, right, same_abjad, skeletons),
        )
    return _adjusted(bound, left, right)[0]


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
