"""Transliteration of any script into lower-case ASCII Latin, with field libraries.

- Chinese goes through pypinyin, one syllable per character ("北京" gives "bei jing";
  the matcher rejoins syllables). Chinese characters also get a Japanese reading (pykakasi),
  since kanji names read differently.
- Korean syllables are romanised one by one (Revised Romanisation, by anyascii).
- Cyrillic has the Russian and Ukrainian BGN/PCGN romanisations from ICU next to anyascii's.
- Everything else goes through anyascii. Arabic and Hebrew are abjads: their Latin form is a
  consonant skeleton, which the matcher compares with the consonant skeleton of the other name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

import icu  # type: ignore[import-untyped]
from anyascii import anyascii

from clearance.text import kanwa
from clearance.text.scripts import char_script
from clearance.text.tables import (
    abjad_initial_vowels,
    arabic_alternatives,
    arabic_article,
    chinese_markers,
    hebrew_alternatives,
    hebrew_initial_stops,
    japanese_rules,
    ukrainian_letters,
)

#: scripts written without vowels: compare consonant skeletons
ABJADS = frozenset({"Arab", "Hebr", "Syrc", "Thaa"})
#: scripts whose romanisation adds vowels and merges l/r ("ロンドン" -> "rondon")
SYLLABARIES = frozenset({"Jpan", "Hang", "Hani"})


@cache
def _icu(name: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(name)


@cache
def _pinyin() -> Callable[[str], list[str]]:
    """pypinyin's syllables, tones dropped. Imported on the first Chinese name: its phrase
    dictionary takes a third of a second to load, and most runs never see Chinese script."""
    from pypinyin import Style, lazy_pinyin

    def convert(text: str) -> list[str]:
        return list(lazy_pinyin(text, style=Style.NORMAL, errors="default"))

    return convert


def _runs(text: str) -> list[tuple[str, str]]:
    """Split text into (script, run) pieces; non-letters join the run before them."""
    runs: list[tuple[str, str]] = []
    current = ""
    buf: list[str] = []
    for char in text:
        script = char_script(char) or current
        if script != current and buf:
            runs.append((current, "".join(buf)))
            buf = []
        current = script
        buf.append(char)
    if buf:
        runs.append((current, "".join(buf)))
    return runs


#: the dots that part the words of a foreign name written in Chinese characters ("安·伍德")
_NAME_DOTS = re.compile("[\u00b7\u2022\u2027\u30fb]")


def _run_to_latin(script: str, run: str) -> str:
    if script == "Hani":
        words = [word for word in _NAME_DOTS.split(run) if word.strip()]
        if len(words) > 1:
            # a foreign name transcribed in characters: each dotted word is one name part, its
            # syllables written together ("an wude" for Ann Wood, not the three parts "an wu
            # de", whose "wu" is another name's "Vu")
            return " ".join("".join(_pinyin()(word)).strip() for word in words)
        return " ".join(_pinyin()(run))
    if script == "Hang":
        return " ".join(anyascii(char) for char in run)
    if script == "Arab":
        return " ".join(_arabic_word(word) for word in run.split())
    if script == "Hebr":
        return " ".join(_abjad_word(word) for word in run.split())
    return anyascii(run)


def _abjad_word(word: str) -> str:
    """An Arabic or Hebrew word in Latin, a first letter that starts it with a vowel (alef,
    ayin) written "a" (anyascii writes an apostrophe or nothing: "عمر" -> "`mr")."""
    if len(word) > 1 and word[0] in abjad_initial_vowels():
        return "a" + anyascii(word[1:])
    stop = hebrew_initial_stops().get(word[:1])
    if stop is not None:
        return stop + anyascii(word[1:])
    return anyascii(word)


def hangul_word(text: str) -> str:
    """Hangul syllables romanised and written as one word ("삼성" -> "samseong")."""
    return "".join(anyascii(char) for char in text)


def arabic_word(word: str) -> str:
    """An Arabic word in Latin, as :func:`latinize` writes it."""
    return _arabic_word(word)


def _arabic_word(word: str) -> str:
    """An Arabic word in Latin, its definite article written apart ("السنوار" -> "al snwr")."""
    article, latin = arabic_article()
    if len(word) > len(article) + 2 and word.startswith(article):
        return f"{latin} {_abjad_word(word[len(article) :])}"
    return _abjad_word(word)


@lru_cache(maxsize=1 << 13)
def latinize(text: str) -> str:
    """Text in any script as ASCII (case kept as the transliterator gives it)."""
    if text.isascii():
        return text
    return " ".join(_run_to_latin(script, run) for script, run in _runs(text))


@cache
def _kakasi() -> Any:
    """pykakasi (Japanese kanji readings), its dictionary read a character at a time
    (:mod:`clearance.text.kanwa`)."""
    try:
        import pykakasi
    except ImportError:
        return None
    kanwa.install()
    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def japanese_reading(text: str) -> str | None:
    """Hepburn romaji of Japanese text (kanji read as Japanese), long vowels written short."""
    kakasi = _kakasi()
    if kakasi is None:
        return None
    items = kakasi.convert(text)
    if any(not item["hepburn"].strip() for item in items if item["orig"].strip()):
        return None  # characters pykakasi cannot read (simplified Chinese): not Japanese
    value = " ".join(item["hepburn"] for item in items if item["hepburn"].strip())
    if not value.isascii():
        return None  # characters pykakasi cannot read (simplified Chinese): not Japanese
    for pattern, repl in japanese_rules():
        value = pattern.sub(repl, value)
    return value


def chinese_name(text: str) -> bool:
    """Text holding a word that only Chinese names use (``chinese_markers``): no Japanese."""
    return any(word in text for word in chinese_markers())


def _japanese_writable(text: str) -> bool:
    """Every kanji and kana of ``text`` exists in Japanese writing (the Windows Japanese
    character set): simplified Chinese characters ("视", "华") do not, and pykakasi has no
    reading for them either, so such a name is not even worth loading its dictionary for."""
    try:
        "".join(c for c in text if char_script(c) in ("Hani", "Jpan")).encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def latin_variants(text: str, japanese: bool = True) -> tuple[str, ...]:
    """All Latin spellings worth trying for ``text``: the default one first.

    Chinese characters also get a Japanese reading, unless ``japanese`` is false (the caller
    knows the name is Chinese) or the text says it is Chinese (``chinese_name``). Cyrillic
    names also get the BGN/PCGN Russian and, when Ukrainian letters occur, the Ukrainian
    romanisation ("Київ" -> "Kyiv"). Arabic names with a letter of ``arabic_alternatives``
    also get that letter's other spelling ("الظواهري": "dh" and "z"); Hebrew names with a kaf
    also get it read as k (``hebrew_alternatives``: "בכר" as "bkhr" and "bqr", Bakr).
    """
    first = latinize(text)
    out = [first]
    if text.isascii():
        return tuple(out)
    if (
        japanese
        and any(char_script(c) in ("Hani", "Jpan") for c in text)
        and not chinese_name(text)
        and _japanese_writable(text)
    ):
        reading = japanese_reading(text)
        if reading and reading not in out:
            out.append(reading)
    # the Arabic letters Latin spellings write two ways, read as the letter spelled the other
    # way; a Hebrew kaf and bet, read as the Arabic k and b a Hebrew writing of an Arabic name
    # writes
    for letters in (arabic_alternatives(), hebrew_alternatives()):
        if any(c in letters for c in text):
            table: dict[str, str | int | None] = dict(letters)
            value = latinize(text.translate(str.maketrans(table)))
            if value not in out:
                out.append(value)
    if any(char_script(c) == "Cyrl" for c in text):
        names = ["Russian-Latin/BGN"]
        if not ukrainian_letters().isdisjoint(text.casefold()):
            names.insert(0, "Ukrainian-Latin/BGN")
        for name in names:
            value = anyascii(_icu(name).transliterate(text))
            if value not in out:
                out.append(value)
    return tuple(out)
