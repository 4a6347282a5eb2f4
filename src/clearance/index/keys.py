"""Blocking keys: what the index stores for a name and looks up for a query.

Built on the one normalisation entry point (:func:`clearance.text.keys.name_forms`: normalised,
transliterated name parts without titles or legal forms), so the index sees names exactly as
the matcher does. A name gives one or more forms (one per useful transliteration; Chinese as
one pinyin token per syllable); a form's tokens give these keys, in one vocabulary:

* the token itself, and each pair of adjacent tokens written together (``blue star`` meets
  ``bluestar``; ``xi jin ping`` meets ``xi jinping``);
* ``~`` + its phonetic key (``qadhafi`` meets ``gaddafi``);
* ``^`` + its consonant skeleton (Arabic-script ``mhmd`` meets ``mohammed``), and for a word
  whose skeleton is one consonant, ``^1`` + that consonant after a mark of how the word starts
  (Arabic-script ``agh`` meets ``agha`` and ``ag``, Hebrew-script ``yhy`` meets ``yahya``);
* ``#n``/``#r`` + the nickname and romanisation groups it belongs to (``bill`` meets
  ``william``, ``kim`` meets ``gim``).

Misspelt tokens are found at query time by fuzzy lookup over the token vocabulary.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from anyascii import anyascii

from clearance.text.keys import name_forms, phonetic_key, skeleton
from clearance.text.tables import (
    cyrillic_folded_letters,
    hebrew_geresh_marks,
    hebrew_geresh_readings,
    kana_foreign_readings,
    nicknames,
    romanisations,
)

PHONETIC = "~"
SKELETON = "^"
#: the skeleton key of a word whose skeleton is one consonant (:func:`short_skeleton_key`)
SHORT_SKELETON = SKELETON + "1"
NICKNAME = "#n"
ROMANISATION = "#r"
#: key prefixes that are not plain tokens (excluded from fuzzy lookup)
PREFIXES = (PHONETIC, SKELETON, "#")
#: tokens shorter than this get no phonetic key or skeleton (too many collisions)
MIN_DERIVED_LEN = 3

_ID_CHARS = re.compile(r"[^0-9A-Z]+")
#: scripts whose names are written in syllables (one token per character after
#: transliteration), where the text of a name says little about how it is split
SYLLABIC_SCRIPTS = frozenset({"Hani", "Hang", "Jpan"})


@dataclass(frozen=True, slots=True)
class Derived:
    """The keys a token stands for besides itself, each with the similarity it implies."""

    key: str
    kind: str


@lru_cache(maxsize=1 << 17)
def derived_keys(token: str) -> tuple[Derived, ...]:
    """Phonetic, skeleton and group keys of one token."""
    out: list[Derived] = []
    if len(token) >= MIN_DERIVED_LEN and token.isalpha():
        if phonetic := phonetic_key(token):
            out.append(Derived(PHONETIC + phonetic, "phonetic"))
        if len(bare := skeleton(token)) >= 2:
            out.append(Derived(SKELETON + bare, "skeleton"))
    for gid in sorted(nicknames().get(token, ())):
        out.append(Derived(f"{NICKNAME}{gid}", "nickname"))
    for gid in sorted(romanisations().get(token, ())):
        out.append(Derived(f"{ROMANISATION}{gid}", "romanisation"))
    return tuple(out)


#: the Arabic article as transliterated, written together with the word it defines
ABJAD_ARTICLE = "al"
#: the Hebrew tsadi as transliterated: in a name of Arabic origin it writes the s of ص
#: (מנצור, Mansour)
HEBREW_TSADI = "ts"
#: the Hebrew bet without its dot as transliterated (an Arabic-script name writes no v):
#: אבראהים, Ibrahim
HEBREW_BET = "v"


#: the letters a word starting with a vowel (``-``) or a glide (``y``) starts with, for
#: :func:`short_skeleton_key`: the transliteration of an abjad writes an initial alef or ayin
#: "a", and a yod "y"
_SHORT_HEADS = {**dict.fromkeys("aeiou", "-"), "y": "y"}


def short_skeleton_key(token: str) -> str | None:
    """The key of a word whose consonant skeleton is one letter ("agha", "ag" and the Arabic
    آغا "agh": "g"; "yahya" and the Hebrew יחיא "yhy": "h"), which has no skeleton key: that
    letter, after ``-`` when the word starts with a vowel and ``y`` when with a y, so that
    "agha" is not "gaga" nor "yahya" "haya"."""
    if len(token) < 2 or not token.isalpha() or len(bare := skeleton(token)) != 1:
        return None
    return SHORT_SKELETON + _SHORT_HEADS.get(token[0], "") + bare


def abjad_skeleton_keys(token: str) -> tuple[str, ...]:
    """Skeleton keys a word of a name in Arabic or Hebrew script is also looked up by, beyond
    its ``derived_keys``: a transliterated abjad word is consonants already, so a short one is
    a whole word ("gl", گل: Gul), and a word with the article written on it (الحق "alhq") is
    the word without it too ("hq": Haq, listed as "HAQ, Abdul"), and a tsadi may be an s. A
    word whose skeleton is one letter has its :func:`short_skeleton_key`."""
    out: list[str] = []
    if short := short_skeleton_key(token):
        out.append(short)
    if 2 <= len(token) < MIN_DERIVED_LEN and token.isalpha() and len(bare := skeleton(token)) >= 2:
        out.append(SKELETON + bare)
    if token.startswith(ABJAD_ARTICLE) and len(token) > len(ABJAD_ARTICLE) + 1:
        rest = skeleton(token[len(ABJAD_ARTICLE) :])
        if len(rest) >= 2:
            out.append(SKELETON + rest)
    for letters, other in ((HEBREW_TSADI, "s"), (HEBREW_BET, "b")):
        if letters in token and len(bare := skeleton(token.replace(letters, other))) >= 2:
            out.append(SKELETON + bare)
    return tuple(dict.fromkeys(out))


def folded_skeleton_key(token: str) -> str | None:
    """The skeleton key of a word of a name in Cyrillic script with the letters Russian writes
    an Arabic sound with read as that sound ("vakhbi" -> "^bhb", as Wahbi and Wehbe), or None
    when that is its own skeleton key or none (data: ``cyrillic_folded_letters``)."""
    if len(token) < MIN_DERIVED_LEN or not token.isalpha():
        return None
    folded = token
    for letters, sound in cyrillic_folded_letters():
        folded = folded.replace(letters, sound)
    if folded == token or len(bare := skeleton(folded)) < 2 or bare == skeleton(token):
        return None
    return SKELETON + bare


def geresh_reading(name: str) -> str | None:
    """A name in Hebrew script with the letters written with a geresh for the Arabic sounds
    Hebrew lacks replaced by letters the transliteration reads as those sounds (ח'אן "hn" ->
    ךאן "khn": Khan), or None when it has none (data: ``hebrew_geresh_readings``)."""
    readings = hebrew_geresh_readings()
    if not any(char in readings for char in name):
        return None
    marks = hebrew_geresh_marks()
    out: list[str] = []
    changed = False
    for pos, char in enumerate(name):
        reading = readings.get(char)
        if reading is not None and pos + 1 < len(name) and name[pos + 1] in marks:
            out.append(reading)
            changed = True
        else:
            out.append(char)
    return "".join(out) if changed else None


_KANA_VOWELS = frozenset("aeiou")


def _without_added_vowels(token: str, vowels: dict[str, frozenset[str]]) -> str:
    out: list[str] = []
    for pos, char in enumerate(token):
        after = vowels.get(char)
        if (
            after is not None
            and pos > 1
            and token[pos - 1] in after
            and (pos + 1 == len(token) or token[pos + 1] not in _KANA_VOWELS)
        ):
            continue
        out.append(char)
    return "".join(out)


def kana_readings(toks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The romanised words of a foreign name written in katakana as the Latin spelling it
    transcribes: without the vowels katakana adds after a consonant (not the vowel of a first
    syllable: "musutafa" -> "mustafa", "donarudo" -> "donard"), as read and with its r read l
    ("isumaeru" -> "ismaer", "ismael"); empty when these change nothing (data:
    ``kana_foreign_readings``)."""
    vowels, (written, read) = kana_foreign_readings()
    bare = tuple(_without_added_vowels(t, vowels) for t in toks)
    out = dict.fromkeys((bare, tuple(t.replace(written, read) for t in bare)))
    out.pop(toks, None)
    return list(out)


def katakana(name: str) -> bool:
    """Whether every letter of ``name`` is katakana (a foreign name, as Japanese writes one)."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(
        "\u30a0" <= c <= "\u30ff" or "\u31f0" <= c <= "\u31ff" for c in letters
    )


def concatenations(toks: tuple[str, ...]) -> list[str]:
    """Each pair of adjacent tokens written together, and the whole name if it is short."""
    out = [a + b for a, b in pairwise(toks)]
    if 2 < len(toks) <= 4:
        out.append("".join(toks))
    return out


@lru_cache(maxsize=1 << 16)
def token_forms(value: str, schema: str = "LegalEntity") -> tuple[tuple[str, ...], ...]:
    """The distinct token lists of a name, one per form (numbers kept as tokens)."""
    out: dict[tuple[str, ...], None] = {}
    for form in name_forms(value, schema):
        toks = form.tokens + form.numbers
        if toks:
            out[toks] = None
    return tuple(out)


def name_keys(toks: tuple[str, ...]) -> list[str]:
    """All distinct keys of one tokenised name form."""
    keys = dict.fromkeys(toks)
    keys.update(dict.fromkeys(concatenations(toks)))
    for tok in toks:
        keys.update(dict.fromkeys(d.key for d in derived_keys(tok)))
        if short := short_skeleton_key(tok):
            keys[short] = None
    return list(keys)


def sound_text(toks: tuple[str, ...]) -> str:
    """The phonetic keys of a name's tokens, joined by spaces (a token without one stays)."""
    return " ".join(phonetic_key(t) or t for t in toks)


def deletions(token: str) -> list[str]:
    """``token`` with each one of its letters deleted (the one-edit lookup of the index)."""
    return [token[:i] + token[i + 1 :] for i in range(len(token))]


def variant_hash(value: str) -> int:
    """A hash of a token variant that is the same in every process (unlike ``hash``)."""
    return zlib.crc32(value.encode())


def is_plain(key: str) -> bool:
    return not key.startswith(PREFIXES)


def identifier_key(value: str) -> str:
    """An identifier reduced to upper-case letters and digits (``AB-123 45`` -> ``AB12345``)."""
    return _ID_CHARS.sub("", anyascii(value).upper())
