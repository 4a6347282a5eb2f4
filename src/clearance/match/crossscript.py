"""Whole-name readings across scripts: a transliterated name against a Latin one.

The names are compared written without spaces, romanisation differences folded; a name from a
syllabic script (Chinese, Japanese, Korean) against a foreign person's name is also compared as
consonant classes, which is how such names are transcribed in syllables.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from clearance.match.syllables import (
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
from clearance.text.tables import syllabic_map
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
        if min(len(sa.lstrip("-")), len(sb.lstrip("-"))) >= 2:
            sk = shape(ratio(sa, sb)) * SYLLABIC_DISCOUNT
            if sk > best:
                best, how = sk, "consonants"
    return best * min(_syllable_share(left, right), native_share(left, right)), how
