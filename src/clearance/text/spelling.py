"""Spelling keys of a name part: phonetic key, loose (romanisation-folded) key, consonant
skeleton. Pure and cached; the rules come from ``data/romanisation.yaml``."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import groupby

from rigour.text.phonetics import metaphone

from clearance.text.tables import loose_equal_spellings, loose_spellings, skeleton_map

# vowels, and the letters abjads also write vowels with (yod: j, y)
_VOWELS = str.maketrans("", "", "aeiouyj")
_WEAK = str.maketrans("", "", "wv")


@lru_cache(maxsize=1 << 18)
def phonetic_key(token: str) -> str:
    """Metaphone, made coarser for transliterated names: an initial vowel is "A" and "H" after
    the first letter is dropped, so spellings that differ in a leading vowel or a silent "h"
    share a key."""
    key = metaphone(token)
    if not key:
        return key
    head = "A" if key[0] in "AEIOU" else key[0]
    return head + key[1:].replace("H", "")


@cache
def _any_spelling() -> re.Pattern[str]:
    """Any spelling a rule folds: a token without one is left as it is by every rule (the
    first rule to apply would have to find its spelling in the token as written)."""
    return re.compile("|".join(re.escape(old) for old, _, _ in loose_spellings()))


@lru_cache(maxsize=1 << 18)
def loose_key(token: str) -> str:
    """The token with romanisation differences folded (rules in ``data/romanisation.yaml``)."""
    if _any_spelling().search(token):
        for old, new, anchored in loose_spellings():
            if anchored:
                if token.startswith(old):
                    token = new + token[len(old) :]
            elif old in token:
                token = token.replace(old, new)
    token = "".join(char for char, _ in groupby(token))
    if len(token) > 2 and token[-1] == "h" and token[-2] in "aeiou":
        token = token[:-1]
    return token


def equal_key(loose: str) -> str:
    """A loose key with the spellings of ``loose_equal_spellings`` folded: two keys that are
    equal so are one name; a similarity short of equality is read on the loose keys."""
    folded = loose
    for old, new in loose_equal_spellings():
        if old in folded:
            folded = folded.replace(old, new)
    return folded if folded == loose else "".join(char for char, _ in groupby(folded))


@lru_cache(maxsize=1 << 18)
def skeleton(token: str) -> str:
    """Consonant classes only, doubles collapsed, a final "h" dropped:
    "bettina" -> "btn", "karrah" -> "kr". W and v are consonants only at the start of a word
    (elsewhere abjads write vowels with the same letters: "mahmoud" / "mhmwd", "javad" / "jwd")."""
    head, tail = token[:1], token[1:]
    if head in ("w", "v"):
        head = "b"
    bare = (head + tail.translate(_WEAK)).translate(_VOWELS).translate(skeleton_map())
    bare = bare or token[:1]
    out = [bare[0]]
    for char in bare[1:]:
        if char != out[-1]:
            out.append(char)
    if len(out) > 1 and out[-1] == "h":
        out.pop()
    return "".join(out)


def consonants(token: str, spelled: bool) -> str:
    """The consonant classes of a word, each as many times as it is written (unlike
    ``skeleton``, which writes a consonant once however often it recurs): a Latin spelling's
    (``spelled``) doubled letters count once ("hassan": h-s-n), the same consonant on both
    sides of a vowel twice ("nando": n-n-d); an abjad's transliteration counts every letter
    (فرنان "frnn": f-r-n-n, the alef between the two n not being written)."""
    head, tail = token[:1], token[1:]
    if head in ("w", "v"):
        head = "b"
    folded = (head + tail.translate(_WEAK)).translate(skeleton_map())
    if spelled:
        folded = "".join(char for char, _ in groupby(folded))
    return folded.translate(_VOWELS)


#: the mark a consonant skeleton starts with when its word starts with a vowel
VOWEL_START = "-"
_START_VOWELS = frozenset("aeiou")


def marked_skeleton(token: str) -> str:
    """``skeleton`` with a mark when the word starts with a vowel ("omar" -> "-mr"): the
    transliteration of an abjad writes an initial alef or ayin as "a", so "amr" (عمر) is not
    "mayer" (עמר is Amar, not Mayer), however alike their consonants."""
    bare = skeleton(token)
    return VOWEL_START + bare if token[:1] in _START_VOWELS else bare


#: the mark of the skeleton of a particle that starts a family name, after its vowel mark
#: ("al" -> "-=l"): the article of al-Maraziq is not the name Ali, however alike their
#: skeletons ("-l")
PARTICLE_START = "="


def particle_skeleton(token: str) -> str:
    """The marked skeleton of a family-name particle ("al" -> "-=l")."""
    bare = marked_skeleton(token).removeprefix(VOWEL_START)
    return VOWEL_START + PARTICLE_START + bare


def skeleton_letters(value: str) -> int:
    """The consonants of a (marked) skeleton."""
    marks = value.startswith(VOWEL_START)
    return len(value) - marks - value.startswith(PARTICLE_START, marks)


def join_parts(parts: tuple[str, ...]) -> str:
    """Name parts written together; the vowel and particle marks of skeletons after the first
    dropped (the skeletons of "abd allah" joined are those of "abdallah": "-bdl")."""
    joined = "".join(parts)
    if PARTICLE_START in joined:
        # (a particle written together with its word is the start of the word: "-=l" "hsn"
        # -> "-lhsn", as "alhasan" is)
        joined = joined.replace(PARTICLE_START, "")
    if VOWEL_START not in joined[1:]:
        return joined
    return joined[:1] + joined[1:].replace(VOWEL_START, "")
