"""Blocking keys: the pure functions that turn a name into the keys the index stores.

The same functions key list names when the index is built and query names when it is searched,
so both sides always agree. A name gives one or more *forms* (its latinised spelling, and for
Chinese or Korean script one token per syllable), each form a list of tokens; a form gives
*keys*: its tokens, the concatenation of each pair of adjacent tokens (so ``Hik Vision`` and
``Hikvision`` meet) and a phonetic key per token (so ``Qaddafi`` and ``Gaddafi`` meet).
Fuzzy lookup of misspelt tokens happens at query time, over the token vocabulary.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jellyfish
from anyascii import anyascii

from clearance.text.scripts import char_script

#: scripts written without spaces between syllables: each character becomes a token
SYLLABIC_SCRIPTS = frozenset({"Hani", "Hang"})
#: prefix that keeps phonetic keys apart from tokens in the one key vocabulary
PHONETIC_PREFIX = "~"
#: tokens shorter than this get no phonetic key (too many collisions)
MIN_PHONETIC_LEN = 3

_APOSTROPHES = re.compile(r"['\u2019\u02bc\u02bb`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ID_CHARS = re.compile(r"[^0-9A-Z]+")


@lru_cache(maxsize=1 << 16)
def latinise(value: str) -> str:
    """A Latin-script spelling of ``value``; syllabic scripts get one token per syllable."""
    if value.isascii():
        return value
    parts: list[str] = []
    for char in value:
        if char_script(char) in SYLLABIC_SCRIPTS:
            parts.append(f" {anyascii(char)} ")
        else:
            parts.append(anyascii(char))
    return "".join(parts)


def tokens(value: str) -> list[str]:
    """Lower-case ASCII tokens of a name (apostrophes dropped, other punctuation splits)."""
    text = _APOSTROPHES.sub("", latinise(value)).casefold()
    return [t for t in _NON_ALNUM.split(text) if t]


def concatenations(toks: list[str]) -> list[str]:
    """Each pair of adjacent tokens written together, and the whole name if it is short."""
    out = [a + b for a, b in zip(toks, toks[1:], strict=False)]
    if 2 < len(toks) <= 4:
        out.append("".join(toks))
    return out


@lru_cache(maxsize=1 << 17)
def phonetic(token: str) -> str:
    """The phonetic key of one token, or ``""`` when it has none."""
    if len(token) < MIN_PHONETIC_LEN or not token.isalpha():
        return ""
    key: str = jellyfish.metaphone(token)
    return PHONETIC_PREFIX + key if key else ""


def name_keys(toks: list[str]) -> list[str]:
    """All distinct keys of one tokenised name form (tokens, concatenations, phonetics)."""
    keys = dict.fromkeys(toks)
    keys.update(dict.fromkeys(concatenations(toks)))
    for tok in toks:
        if key := phonetic(tok):
            keys[key] = None
    return list(keys)


def identifier_key(value: str) -> str:
    """An identifier reduced to upper-case letters and digits (``AB-123 45`` -> ``AB12345``)."""
    return _ID_CHARS.sub("", anyascii(value).upper())
