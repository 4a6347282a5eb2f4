"""A Chinese or Korean person's name against its romanisations, syllable by syllable.

Such a name is a surname and a given name of one syllable a character, none of them silent,
the given name's syllables in one order. Read in pinyin (or Hangul's Revised Romanisation), it
meets a Latin spelling of the same syllables, or of other ones: two different pinyin syllables
are two characters, not a spelling variant, while Wade-Giles without its apostrophes cannot
tell aspirated initials apart, and romanisations of Korean write one vowel several ways.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from clearance.match.tokens import ROMANISATION_SIM, inner_vowel_swap, token_similarity
from clearance.text.keys import NameForm
from clearance.text.tables import pinyin_syllables, wade_giles

#: the dots between the words of a foreign name written in Chinese or Japanese characters
NAME_DOTS = frozenset("\u00b7\u2022\u2027\u30fb")

#: a run of vowel letters: one syllable of a Latin spelling of a Chinese name
VOWEL_RUNS = re.compile(r"[aeiou]+")


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


def japanese_person(left: NameForm, right: NameForm) -> bool:
    """A person's name in Chinese characters read in Japanese (not one pinyin syllable a
    character, and not dotted like a transcription) against a Latin name. Japanese writes
    foreign names in katakana, never in kanji: such a reading is a Japanese person's own name,
    never the transcription of a foreign one."""
    if right.kind != "person":
        return False
    for han, latin in ((left, right), (right, left)):
        if han.script == "Hani" and latin.script == "Latn":
            return (
                len(han.native) >= 2
                and not pinyin_reading(han)
                and not any(c in NAME_DOTS for c in han.original)
            )
    return False


#: a doubled consonant: Japanese writes one (っ, the small tsu) as a sound of its own
_GEMINATE = re.compile(r"([b-df-hj-np-tv-z])\1")


def geminates(token: str) -> tuple[str, ...]:
    """The doubled consonants of a word, in order ("hattori" -> t)."""
    return tuple(_GEMINATE.findall(token))


def geminates_differ(a: str, b: str) -> bool:
    """One word doubles a consonant the other writes once ("otto" / "oto")."""
    return geminates(a) != geminates(b)


@lru_cache(maxsize=1 << 14)
def japanese_similarity(a: str, b: str) -> tuple[float, str]:
    """Parts of a Japanese reading of Chinese characters against a Latin spelling: a doubled
    consonant is a sound of its own in Japanese (Hattori / Hatori, 服部 / 羽鳥), so a word
    doubling one the reading writes once is spelled otherwise, not a romanisation of it
    ("otto" is not "oto", 王涛 read ō tō): a letter apart, as written."""
    sim, how = token_similarity(a, b)
    if how == "romanisation" and geminates_differ(a, b):
        return 1.0 - OSA.distance(a, b) / max(len(a), len(b)), "spelling"
    return sim, how


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


def chinese_both(left: NameForm, right: NameForm) -> bool:
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
    syllables = len(VOWEL_RUNS.findall(latin.joined))
    return min(syllables, len(native.tokens)) / max(syllables, len(native.tokens), 1)


@lru_cache(maxsize=1 << 16)
def pinyin_similarity(a: str, b: str) -> tuple[float, str]:
    """Parts of a Chinese name read in pinyin against a Latin spelling: two different pinyin
    syllables, or runs of them, are different characters ("cheng" / "chen", "guiying" /
    "guoying"), not a spelling variant; a Wade-Giles spelling may differ by aspiration only
    ("bing" / "ping")."""
    if a != b and pinyin_word(a) and pinyin_word(b) and not pinyin_agree(a, b):
        return 0.0, ""
    return token_similarity(a, b)


#: Korean syllables that romanise to one letter (이, 오, 우, 어, 으, 아, 애, 에)
_SYLLABLE_VOWELS = frozenset("aeiou")
#: vowels of a Korean syllable's spellings folded together: ŏ and ŭ lose their breves, RR
#: writes them eo and eu, and common spellings u or oo ("Sung", "Hyun", "Soo")
_KOREAN_VOWELS = (("eo", "o"), ("eu", "o"), ("oo", "o"), ("u", "o"), ("ee", "i"))


def _korean_vowels(token: str) -> str:
    for spelled, folded in _KOREAN_VOWELS:
        token = token.replace(spelled, folded)
    return token


@lru_cache(maxsize=1 << 16)
def hangul_similarity(a: str, b: str) -> tuple[float, str]:
    """Parts of a Korean name read from Hangul against a Latin spelling: one vowel written for
    another is a spelling variant only where romanisations differ ("seong" / "song" /
    "sung"); otherwise it is another syllable ("sang" / "song", 상 / 성)."""
    sim, how = token_similarity(a, b)
    if how == "initial" and (a if len(a) == 1 else b) in _SYLLABLE_VOWELS:
        # a vowel alone is a syllable of the Korean name (이 "i", 오 "o", 우 "u"), not the
        # initial of another: 이준호 (Yi Jun-ho) is not "Chon Il Ho"
        return 0.0, ""
    # (two pinyin syllables one vowel apart are "spelling": see ``tokens._two_syllables``)
    vowel = how == "vowel" or (
        how == "spelling"
        and len(a) == len(b) > 3
        and sim == 1.0 - 1.0 / len(a)
        and inner_vowel_swap(a, b)
    )
    if vowel and _korean_vowels(a) != _korean_vowels(b):
        return 0.0, ""
    return sim, how


#: similarity left to the syllables of a given name aligned in the other order
OTHER_ORDER_FACTOR = 0.5


def given_order(
    pairs: list[tuple[int, int, float, str]], native: int
) -> list[tuple[int, int, float, str]]:
    """A Chinese or Korean person's own name (side ``native``: 1 for ``a``, 2 for ``b``) is
    its surname, then its given name, whose syllables come in one order: "Su-Kwang" is not
    광수 (Kwang-su) but another given name, though each syllable agrees. Such syllables
    count a fraction of their similarity."""
    #: the part of the other name each syllable of the native name is aligned with
    partner = {(i if native == 1 else j): (j if native == 1 else i) for i, j, _, _ in pairs}
    first, second = partner.get(1), partner.get(2)
    if first is None or second is None or first < second:
        return pairs
    return [
        (i, j, sim * OTHER_ORDER_FACTOR, "order")
        if (i if native == 1 else j) in (1, 2)
        else (i, j, sim, how)
        for i, j, sim, how in pairs
    ]


def _split_word(token: str, native: tuple[str, ...]) -> tuple[str, str] | None:
    """A romanised word that spells two adjacent syllables of a native name, each piece a
    spelling of its syllable ("kwangsu" for "gwang su", "woojin" for "u jin")."""
    if len(token) < 4 or token in native:
        return None
    for i in range(len(native) - 1):
        first, second = native[i], native[i + 1]
        for n in range(1, len(token)):
            head, tail = token[:n], token[n:]
            if (
                token_similarity(first, head)[0] >= ROMANISATION_SIM
                and token_similarity(second, tail)[0] >= ROMANISATION_SIM
            ):
                return head, tail
    return None


def romanised_syllables(native: tuple[str, ...], latin: tuple[str, ...]) -> tuple[str, ...]:
    """The parts of a romanised Chinese or Korean name, a given name written as one word
    ("Kim Kwangsu", "Woojin Lee") split into the syllables of the native name it spells, so
    that each syllable is compared with its own (and keeps its order)."""
    out: list[str] = []
    for token in latin:
        pieces = _split_word(token, native)
        if pieces is None:
            out.append(token)
        else:
            out.extend(pieces)
    return tuple(out)
