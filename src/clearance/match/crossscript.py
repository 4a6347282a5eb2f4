"""Whole-name readings across scripts: a transliterated name against a Latin one.

The names are compared written without spaces, romanisation differences folded; a name from a
syllabic script (Chinese, Japanese, Korean) against a foreign person's name is also compared as
consonant classes, which is how such names are transcribed in syllables.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from clearance.match.tokens import shape
from clearance.text.keys import NameForm
from clearance.text.spelling import loose_key, skeleton
from clearance.text.tables import pinyin_syllables, syllabic_map, wade_giles
from clearance.text.translit import SYLLABARIES

#: a consonant-skeleton agreement is weaker evidence than a spelled-out one
SYLLABIC_DISCOUNT = 0.85


def ratio(a: str, b: str) -> float:
    return 1.0 - OSA.distance(a, b) / max(len(a), len(b), 1)


#: a run of vowel letters: one syllable of a Latin spelling of a Chinese name
_VOWELS = re.compile(r"[aeiou]+")


def _syllable_share(left: NameForm, right: NameForm) -> float:
    """A Chinese name read in pinyin has one syllable a character: when the Latin spelling has
    more syllables, those only it has are missing name parts ("sun qiang" / "sun wenqing":
    2 of 3), however alike the spellings are once joined. 1.0 otherwise."""
    for han, latin in ((left, right), (right, left)):
        if han.script == "Hani" and latin.script == "Latn" and len(han.tokens) == len(han.native):
            syllables = len(_VOWELS.findall(latin.joined))
            if syllables > len(han.tokens):
                return len(han.tokens) / syllables
    return 1.0


@lru_cache(maxsize=1 << 14)
def chinese_syllables(token: str) -> bool:
    """The token is a pinyin or Wade-Giles syllable, or two written together ("jianping")."""
    return _syllable(token) or any(
        _syllable(token[:n]) and _syllable(token[n:]) for n in range(1, len(token))
    )


def _syllable(text: str) -> bool:
    return text in pinyin_syllables() or text in wade_giles()


def _chinese_both(left: NameForm, right: NameForm) -> bool:
    """A Chinese name against a romanised Chinese name: Latin words of one or two syllables
    each, at least two of them ("Shi Ping", "Cheng Ying-yao"). A foreign name transcribed in
    characters is usually one word of several syllables ("Cutò" / 卡托)."""
    for han, latin in ((left, right), (right, left)):
        if han.script == "Hani" and latin.script == "Latn":
            return len(latin.tokens) >= 2 and all(chinese_syllables(t) for t in latin.tokens)
    return False


#: a Chinese or Korean person's own name: this many characters, written without a space
NATIVE_NAME_CHARS = (2, 3)


def _native_against_romanised(left: NameForm, right: NameForm) -> bool:
    """A Chinese or Korean person's own name (two or three characters, no space: "양지현",
    "陈玉华") against a Latin name of several words ("Jang Hyon U", "Chen Jiao-hua", "Chau
    Hoang"): the Latin name is a romanised East Asian name, compared part by part, or another
    person's; a foreign name transcribed in syllables is one long word ("卡托" / "Cutò") or
    written with a separator ("라이너스 폴링")."""
    low, high = NATIVE_NAME_CHARS
    for native, latin in ((left, right), (right, left)):
        if (
            native.script in ("Hani", "Hang")
            and latin.script == "Latn"
            and low <= len(native.native) <= high
            and not any(c.isspace() or c in "·・." for c in native.original.strip())
        ):
            return len(latin.tokens) >= 2
    return False


#: a name starting with one of these starts with a syllable without a consonant
_INITIAL_VOWELS = frozenset("aeiou")


def _onsets(joined: str) -> str:
    """The consonant classes of a name read in syllables, a first syllable without a consonant
    marked: a transcription keeps it ("an na" / "anna"), so "ou qin" ("-kn") is not "Kony"
    ("kn"), nor "i a reum" ("-lm") "Lumu"."""
    classes = skeleton(joined).translate(syllabic_map())
    return f"-{classes}" if joined[:1] in _INITIAL_VOWELS else classes


def cross_script(left: NameForm, right: NameForm) -> tuple[float, str]:
    """Whole-name comparison of a transliterated name with a Latin one, ignoring spacing."""
    a, b = left.joined, right.joined
    if not a or not b:
        return 0.0, ""
    best, how = shape(ratio(loose_key(a), loose_key(b))), "transliteration"
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
        and not _chinese_both(left, right)
        and not _native_against_romanised(left, right)
    ):
        sa, sb = _onsets(a), _onsets(b)
        if min(len(sa.lstrip("-")), len(sb.lstrip("-"))) >= 2:
            sk = shape(ratio(sa, sb)) * SYLLABIC_DISCOUNT
            if sk > best:
                best, how = sk, "consonants"
    return best * _syllable_share(left, right), how
