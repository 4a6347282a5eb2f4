"""Which writing system a string is in (ISO 15924 codes)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Unicode character-name prefixes to ISO 15924 codes. Han ideographs are named "CJK ...".
_PREFIXES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "CJK": "Hani",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "THAI": "Thai",
    "DEVANAGARI": "Deva",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "ETHIOPIC": "Ethi",
    "PERSIAN": "Arab",
    "BENGALI": "Beng",
    "TAMIL": "Taml",
    "KHMER": "Khmr",
    "MYANMAR": "Mymr",
    "LAO": "Laoo",
    "SINHALA": "Sinh",
    "TIBETAN": "Tibt",
    "MONGOLIAN": "Mong",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
}


@lru_cache(maxsize=65536)
def char_script(char: str) -> str:
    """The ISO 15924 code of one letter, or ``""`` for digits, punctuation and unknowns."""
    if char.isascii():
        return "Latn" if char.isalpha() else ""
    if not char.isalpha():
        return ""
    name = unicodedata.name(char, "")
    return _PREFIXES.get(name.split(" ", 1)[0], "")


@lru_cache(maxsize=262144)
def detect_script(text: str) -> str:
    """The dominant script of ``text``; ``Jpan`` if any kana, ``Hani`` for Chinese.

    Returns ``""`` when the text has no letters.
    """
    if text.isascii():
        return "Latn" if any(c.isalpha() for c in text) else ""
    if text.isascii():
        return "Latn" if any(c.isalpha() for c in text) else ""
    counts: dict[str, int] = {}
    for char in text:
        script = char_script(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ""
    if "Jpan" in counts:
        return "Jpan"
    return max(counts.items(), key=lambda item: item[1])[0]


def is_latin(text: str) -> bool:
    return detect_script(text) in ("Latn", "")
