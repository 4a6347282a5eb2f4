"""The one normalisation entry point, used for list data and for queries alike.

``normalize(text)`` applies these steps, in this order (the order is written down here only):

1. Unicode NFKC, then case folding (``"ＡＢＣ"``, ``"Straße"`` -> ``"abc"``, ``"strasse"``);
2. transliteration of every non-Latin run into Latin (:mod:`clearance.text.translit`),
   which also strips accents (``"Crème"`` -> ``"creme"``);
3. apostrophes and similar marks are deleted, joining the letters around them
   (``"L'Union"`` -> ``"lunion"``);
4. every other character that is not a letter or a digit separates tokens (hyphens, dots,
   commas, slashes: ``"NORTH-WEST"`` -> ``"north west"``, ``"J.R."`` -> ``"j r"``);
5. whitespace is collapsed to single spaces.

``normalize_variants`` gives the same with every transliteration worth trying at step 2.
``tokenize`` splits the result. Name-level processing (titles, legal forms, stopwords) sits on
top, in :mod:`clearance.text.keys`, and always starts from ``normalize``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from clearance.text.translit import latin_variants, latinize

_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u201b\u02bb\u02bc\u02be\u02bf\u0060\u00b4]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def prepare(text: str) -> str:
    """Step 1 alone: NFKC and case folding (native script kept)."""
    return unicodedata.normalize("NFKC", text).casefold()


def _ascii_table() -> dict[int, str | None]:
    """Steps 3 to 5 for ASCII text as one character table: apostrophes deleted, every other
    character but a lower-case letter or a digit a space."""
    table: dict[int, str | None] = {}
    for code in range(128):
        char = chr(code)
        if _APOSTROPHES.match(char):
            table[code] = None
        elif _SEPARATORS.match(char):
            table[code] = " "
    return table


_ASCII_CLEAN = _ascii_table()


def clean_latin(text: str) -> str:
    """Steps 3 to 5 on text that is already Latin."""
    if text.isascii():
        # the same steps without the regular expressions (the common case)
        return " ".join(text.lower().translate(_ASCII_CLEAN).split())
    return clean_latin_patterns(text)


def clean_latin_patterns(text: str) -> str:
    """Steps 3 to 5 with the regular expressions that define them (any text)."""
    text = _APOSTROPHES.sub("", text.lower())
    return _SEPARATORS.sub(" ", text).strip()


@lru_cache(maxsize=1 << 18)
def normalize(text: str) -> str:
    """The normalised form of a name or any text: lower-case ASCII tokens joined by spaces."""
    prepared = prepare(text)
    # anyascii renders some letters with an apostrophe-like mark (soft sign, ayin): drop them
    return clean_latin(latinize(prepared))


@lru_cache(maxsize=1 << 12)
def normalize_variants(text: str, japanese: bool = True) -> tuple[str, ...]:
    """``normalize`` with every transliteration worth trying at step 2 (Russian and Ukrainian
    romanisations of Cyrillic, Japanese readings of kanji unless ``japanese`` is false); the
    first is ``normalize(text)``."""
    prepared = prepare(text)
    variants = latin_variants(prepared, japanese)
    return tuple(dict.fromkeys(clean_latin(latin) for latin in variants))


def tokenize(text: str) -> tuple[str, ...]:
    return tuple(normalize(text).split())
