"""Whole-name readings across scripts: a transliterated name against a Latin one.

The names are compared written without spaces, romanisation differences folded; a name from a
syllabic script (Chinese, Japanese, Korean) against a foreign person's name is also compared as
consonant classes, which is how such names are transcribed in syllables.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from rapidfuzz.distance import OSA

from clearance.match.syllables import (
    NAME_DOTS,
    VOWEL_RUNS,
    chinese_both,
    geminates_differ,
    japanese_person,
    native_share,
    native_side,
    pinyin_agree,
    strict_pinyin,
)
from clearance.match.tokens import shape
from clearance.text.keys import NameForm
from clearance.text.spelling import loose_key, skeleton
from clearance.text.tables import (
    skeleton_map,
    syllabic_map,
    transcription_classes,
    transcription_vowels,
)
from clearance.text.translit import SYLLABARIES

#: a consonant-class agreement is weaker evidence than a spelled-out one: a whole name of
#: agreeing consonant classes just passes, one-word weak aliases ("CANDADO" for 肯尼迪) do not
SYLLABIC_DISCOUNT = 0.77


def ratio(a: str, b: str) -> float:
    return 1.0 - OSA.distance(a, b) / max(len(a), len(b), 1)


def _syllable_share(left: NameForm, right: NameForm) -> float:
    """A Chinese name read in pinyin has one syllable a character: when the Latin spelling has
    more syllables, those only it has are missing name parts ("sun qiang" / "sun wenqing":
    2 of 3), however alike the spellings are once joined. 1.0 otherwise."""
    for han, latin in ((left, right), (right, left)):
        if han.script == "Hani" and latin.script == "Latn" and len(han.tokens) == len(han.native):
            syllables = len(VOWEL_RUNS.findall(latin.joined))
            if syllables > len(han.tokens):
                return len(han.tokens) / syllables
    return 1.0


#: a name starting with one of these starts with a syllable without a consonant
_INITIAL_VOWELS = frozenset("aeiou")


def _onsets(joined: str) -> str:
    """The consonant classes of a name read in syllables, a first syllable without a consonant
    marked: a transcription keeps it ("an na" / "anna"), so "ou qin" ("-kn") is not "Kony"
    ("kn"), nor "i a reum" ("-lm") "Lumu"."""
    classes = skeleton(joined).translate(syllabic_map())
    return f"-{classes}" if joined[:1] in _INITIAL_VOWELS else classes


_VOWEL_LETTERS = frozenset("aeiouy")


@cache
def _consonant_classes() -> dict[int, str]:
    return {**skeleton_map(), **syllabic_map()}


def _syllables(joined: str) -> list[tuple[str, str, str, str]]:
    """(consonant class, consonants, first vowel, the letter after it) of each run of
    consonants followed by a vowel in a name written without spaces ("dansimute": d-a, ns-i,
    m-u, t-e); the class is the run's last consonant's (the one the vowel follows), folded
    like a skeleton."""
    out: list[tuple[str, str, str, str]] = []
    folding = _consonant_classes()
    i = 0
    while i < len(joined):
        start = i
        while i < len(joined) and joined[i] not in _VOWEL_LETTERS:
            i += 1
        run = joined[start:i]
        if run and i < len(joined):
            last = run.rstrip("h")[-1:] or run[-1]
            out.append((last.translate(folding), run, joined[i], joined[i + 1 : i + 2]))
        while i < len(joined) and joined[i] in _VOWEL_LETTERS:
            i += 1
    return out


def _vowel_kind(run: str, vowel: str, after: str, pinyin: bool) -> str:
    """Front, back or neither: the vowel ``vowel`` after the consonants ``run``, ``after``
    the letter that follows it. A pinyin vowel followed by another ("rui", "guo": a glide and
    a nucleus) is neither, and so is a Latin vowel before an r that ends its syllable (the
    "ir" of Birkhoff)."""
    table = transcription_vowels()
    if pinyin and (
        after in _VOWEL_LETTERS
        or (vowel == "i" and run.endswith(table.neutral_i_after))
        or (vowel == "u" and run.endswith(table.neutral_u_after))
    ):
        return ""
    if not pinyin and after == "r":
        return ""
    return "front" if vowel in table.front else "back" if vowel in table.back else ""


def vowels_conflict(pinyin: str, latin: str) -> bool:
    """A Latin name's vowel after a consonant is front where the transcription's after the
    same consonant is back, or the other way round (``transcription_vowels``): consonants
    matched in order."""
    theirs = _syllables(pinyin)
    start = 0
    for cls, run, vowel, after in _syllables(latin):
        kind = _vowel_kind(run, vowel, after, False)
        for k in range(start, len(theirs)):
            if theirs[k][0] == cls:
                start = k + 1
                other = _vowel_kind(theirs[k][1], theirs[k][2], theirs[k][3], True)
                if kind and other and kind != other:
                    return True
                break
    return False


#: a transcription key needs this many consonant classes: shorter ones are shared by too many
#: unrelated names
TRANSCRIPTION_MIN_CLASSES = 4
#: an r or l that ends a syllable (after a vowel, before a consonant or at the end): syllabic
#: scripts drop it as often as they write it (Martinson 马丁松, Karn カーン, Furst 福斯特) and a
#: pinyin "er" syllable (尔) stands for it
_CODA_RL = re.compile(r"(?<=[aeiouy])[rl]+(?=[^aeiouy]|$)")
_DOUBLES = re.compile(r"(.)\1+")


@cache
def _class_pattern(syllabic: bool, pinyin: bool) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern of the spellings of ``transcription_classes`` (longest first; an h only
    before a vowel), and the class of each."""
    tables = transcription_classes()
    table = tables.pinyin if pinyin else tables.syllabic if syllabic else tables.latin
    # (a spelling ending in "$" holds only at the end of the name)
    classes = {spelling.removesuffix("$"): cls for spelling, cls in table}
    alternatives = [
        re.escape(spelling.removesuffix("$"))
        + ("$" if spelling.endswith("$") else "(?=[aeiouy])" if cls == "h" else "")
        for spelling, cls in table
    ]
    return re.compile("|".join(alternatives)), classes


def _class_letters(text: str, syllabic: bool, pinyin: bool) -> str:
    """The consonant classes of ``text`` (``transcription_classes``), doubles counted once, a
    first syllable without a consonant marked "-"; an h only before a vowel (elsewhere it marks
    a long vowel or is silent: "Böhm" 뵘, "Kehn" 肯). Letters no spelling starts with (vowels,
    the glides w and y) are left out."""
    pattern, classes = _class_pattern(syllabic, pinyin)
    letters = _DOUBLES.sub(r"\1", "".join(classes[m] for m in pattern.findall(text)))
    head = text[:2]
    vowel_start = head[:1] in _INITIAL_VOWELS or (syllabic and head in ("yi", "wu"))
    return f"-{letters}" if vowel_start else letters


@lru_cache(maxsize=1 << 14)
def transcription_keys(joined: str, syllabic: bool, pinyin: bool = False) -> tuple[str, ...]:
    """The consonant classes of a name read in syllables (``syllabic``: the romanisation of its
    syllables; ``pinyin``: in pinyin) or of a Latin name, with and without the r and l that end
    syllables."""
    text = _DOUBLES.sub(r"\1", joined)
    keys = {
        _class_letters(text, syllabic, pinyin),
        _class_letters(_CODA_RL.sub("", text), syllabic, pinyin),
    }
    return tuple(sorted(k for k in keys if len(k.lstrip("-")) >= TRANSCRIPTION_MIN_CLASSES))


def transcription_ratio(syllabic: str, latin: str, pinyin: bool) -> float:
    """The best agreement of the transcription keys of the two names (0.0 when either has
    too few consonants)."""
    theirs = transcription_keys(syllabic, True, pinyin)
    ours = transcription_keys(latin, False)
    return max((ratio(x, y) for x in theirs for y in ours), default=0.0)


def one_word_each(left: NameForm, right: NameForm) -> bool:
    """One word on each side: a name in syllables written without a space or a separating dot,
    and a Latin name of one part. The consonant classes of a name of several words, joined,
    agree with other names of several words by chance ("tuo ma si qiong si", 托马斯·琼斯, has
    the classes of Thomas Sanchez; "xi cun chun", 西村 淳, those of Cho Yon Chun)."""
    syllabic, latin = (right, left) if left.script == "Latn" else (left, right)
    written = syllabic.original.strip()
    return len(latin.tokens) == 1 and not any(c.isspace() or c in NAME_DOTS for c in written)


def cross_script(left: NameForm, right: NameForm) -> tuple[float, str]:
    """Whole-name comparison of a transliterated name with a Latin one, ignoring spacing."""
    a, b = left.joined, right.joined
    if not a or not b or (strict_pinyin(left, right) and not pinyin_agree(a, b)):
        return 0.0, ""
    japanese = japanese_person(left, right)
    # (a Japanese reading and a Latin spelling that double other consonants are read as
    # written: see ``japanese_similarity``)
    best = shape(
        ratio(a, b) if japanese and geminates_differ(a, b) else ratio(loose_key(a), loose_key(b))
    )
    how = "transliteration"
    # consonant classes are how a foreign person's name is transcribed in syllables ("pauling"
    # / 폴링); a Chinese, Japanese or Korean company name is words, with generic ones among
    # them ("mei ji tuan": "group"), whose consonants agree with unrelated brands ("motojen"),
    # a Chinese name against a romanised Chinese name is compared syllable by syllable ("chen
    # yu hua" is not "chen jiao hua" however alike their consonants), and a name twice as long
    # as the other is not its transcription ("oyun dina ivanovna" has the skeleton of "na do
    # yun"), nor is a Latin name of several words the transcription of a Chinese or Korean
    # person's own name ("chen jiao hua" / 陈玉华, "jang hyon u" / 양지현)
    if (
        right.kind == "person"
        and SYLLABARIES & {left.script, right.script}
        and max(len(a), len(b)) <= 2 * min(len(a), len(b))
        and not chinese_both(left, right)
        and not native_side(left, right)
        and not japanese
    ):
        sa, sb = _onsets(a), _onsets(b)
        han = a if left.script == "Hani" else b if right.script == "Hani" else ""
        latin = b if han is a else a
        if min(len(sa.lstrip("-")), len(sb.lstrip("-"))) >= 2 and not (
            han and vowels_conflict(han, latin)
        ):
            sk = shape(ratio(sa, sb)) * SYLLABIC_DISCOUNT
            if sk > best:
                best, how = sk, "consonants"
        # (the reading scores at most SYLLABIC_DISCOUNT: not tried when another reads better)
        if (
            best < SYLLABIC_DISCOUNT
            and one_word_each(left, right)
            and not (han and vowels_conflict(han, latin))
        ):
            syllabic, spelled = (b, a) if left.script == "Latn" else (a, b)
            tk = shape(transcription_ratio(syllabic, spelled, bool(han))) * SYLLABIC_DISCOUNT
            if tk > best:
                best, how = tk, "transcription"
    return best * min(_syllable_share(left, right), native_share(left, right)), how
