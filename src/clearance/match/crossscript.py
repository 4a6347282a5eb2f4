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


#: the dots between the words of a foreign name written in Chinese or Japanese characters
NAME_DOTS = frozenset("\u00b7\u2022\u2027\u30fb")

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


@lru_cache(maxsize=1 << 14)
def pinyin_split(token: str) -> tuple[str, ...] | None:
    """The token as pinyin syllables ("guoying" -> guo, ying), the longest first syllable
    first; ``None`` when it is not pinyin."""
    syllables = pinyin_syllables()
    if token in syllables:
        return (token,)
    for n in range(len(token) - 1, 0, -1):
        if token[:n] in syllables and (rest := pinyin_split(token[n:])) is not None:
            return (token[:n], *rest)
    return None


def pinyin_word(token: str) -> bool:
    """The token is written in pinyin syllables only, one or several ("ping", "guoying")."""
    return pinyin_split(token) is not None


#: initials a Wade-Giles spelling without its apostrophes does not tell apart ("ping" is
#: p'ing, pinyin "ping", or ping, pinyin "bing"): each aspirated one as its unaspirated pair
_UNASPIRATED = (("ch", "zh"), ("c", "z"), ("p", "b"), ("t", "d"), ("k", "g"), ("q", "j"))


def _unaspirated(syllable: str) -> str:
    for aspirated, plain in _UNASPIRATED:
        if syllable.startswith(aspirated):
            return plain + syllable[len(aspirated) :]
    return syllable


def pinyin_agree(a: str, b: str) -> bool:
    """Two pinyin spellings name the same syllables, aspiration aside."""
    sa, sb = pinyin_split(a), pinyin_split(b)
    if sa is None or sb is None:
        return a == b
    return len(sa) == len(sb) and all(
        _unaspirated(x) == _unaspirated(y) for x, y in zip(sa, sb, strict=True)
    )


def pinyin_reading(form: NameForm) -> bool:
    """A Chinese name read one pinyin syllable a character (not its Japanese reading)."""
    return form.script == "Hani" and len(form.tokens) == len(form.native)


def strict_pinyin(left: NameForm, right: NameForm) -> bool:
    """A person's name in Chinese characters, read in pinyin, against a Latin name written in
    pinyin syllables only: a syllable that differs is another character ("chen hong" is not
    "chen dong", "guiying" not "guoying"), so the names agree syllable for syllable or not at
    all. A Latin name with a part that is no pinyin (a misspelling, Wade-Giles, a Cantonese
    spelling) is compared by its spelling."""
    if "person" not in (left.kind, right.kind):
        return False
    for han, latin in ((left, right), (right, left)):
        if latin.script == "Latn" and pinyin_reading(han):
            # a foreign name transcribed in characters is one Latin word ("Obama" / 奥巴马),
            # or dotted ("安·伍德"): it agrees by its sounds, not syllable for syllable
            return (
                len(latin.tokens) >= 2
                and not any(c in NAME_DOTS for c in han.original)
                and all(pinyin_word(t) for t in latin.tokens)
            )
    return False


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


def native_side(left: NameForm, right: NameForm) -> int:
    """A Chinese or Korean person's own name (two or three characters, no space: "양지현",
    "陈玉华") against a Latin name of several words ("Jang Hyon U", "Chen Jiao-hua", "Chau
    Hoang"): the Latin name is a romanised East Asian name, compared part by part, or another
    person's; a foreign name transcribed in syllables is one long word ("卡托" / "Cutò") or
    written with a separator ("라이너스 폴링"). 1 when ``left`` is such a native name, 2 when
    ``right`` is, else 0."""
    low, high = NATIVE_NAME_CHARS
    for side, native, latin in ((1, left, right), (2, right, left)):
        if (
            native.script in ("Hani", "Hang")
            and latin.script == "Latn"
            and low <= len(native.native) <= high
            and not any(c.isspace() or c in NAME_DOTS or c == "." for c in native.original.strip())
        ):
            return side if len(latin.tokens) >= 2 else 0
    return 0


def native_share(left: NameForm, right: NameForm) -> float:
    """A Chinese or Korean person's own name has one syllable a character, none of them
    silent: a romanised name with fewer or more syllables names another person ("i u jin" is
    not "Yu Jin"), however alike the two are written together."""
    side = native_side(left, right) if left.kind == right.kind == "person" else 0
    if not side:
        return 1.0
    native, latin = (left, right) if side == 1 else (right, left)
    if len(native.tokens) != len(native.native):
        return 1.0
    syllables = len(_VOWELS.findall(latin.joined))
    return min(syllables, len(native.tokens)) / max(syllables, len(native.tokens), 1)


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
        and not native_side(left, right)
    ):
        sa, sb = _onsets(a), _onsets(b)
        if min(len(sa.lstrip("-")), len(sb.lstrip("-"))) >= 2:
            sk = shape(ratio(sa, sb)) * SYLLABIC_DISCOUNT
            if sk > best:
                best, how = sk, "consonants"
    return best * min(_syllable_share(left, right), native_share(left, right)), how
