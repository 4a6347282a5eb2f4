"""Similarity of two name parts (tokens), with the reason it holds.

Exact equality, a shared nickname group, a shared romanisation group, an initial against a
name, and otherwise an edit-distance similarity (optimal string alignment, so a transposition
is one edit), raised for pairs that differ in several letters but sound alike (same metaphone
key). Results are cached: the same pairs recur across a screening run.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from clearance.text.spelling import equal_key, loose_key, phonetic_key
from clearance.text.tables import (
    compass_words,
    country_adjectives,
    country_words,
    nickname_lengths,
    nicknames,
    pinyin_syllables,
    romanisations,
    word_onsets,
)

NICKNAME_SIM = 0.92
ROMANISATION_SIM = 0.95
INITIAL_SIM = 0.85
LOOSE_SIM = 0.93
SHAPE_FLOOR = 0.65
SINGLE_WORD_FLOOR = 0.5
#: spellings this far apart are not tried with folded spellings (they never come close)
LOOSE_FLOOR = 0.45
PHONETIC_SIM = 0.9
VOWEL_SIM = 0.9
#: a name against its feminine form, or a given name against the surname made from it: below
#: MIN_SIM, a different name part
GENDERED_SIM = 0.6
#: two adjacent letters swapped: the commonest typing error, rarely another name
TRANSPOSE_SIM = 0.9
#: organisation-name words this short are not compared by their folded spellings
SHORT_ORG_TOKEN = 3
#: below this similarity two tokens are not considered the same name part at all
MIN_SIM = 0.65
#: a country's name against its adjective ("china" / "chinese") in an organisation name
COUNTRY_ADJECTIVE_SIM = 0.95


#: pairs remembered (about 280 bytes each): 58% of a screening worker's lookups hit over its
#: first 40,960 rows at twice this size, which cost 18 MB more a worker for no measurable CPU
@lru_cache(maxsize=1 << 16)
def token_similarity(a: str, b: str) -> tuple[float, str]:
    """Similarity of two normalised tokens in [0, 1] and how it was established."""
    if a == b:
        return 1.0, "exact"
    groups = nicknames()
    ga, gb = groups.get(a), groups.get(b)
    if ga is not None and gb is not None and _nicknames(a, b, ga & gb):
        return NICKNAME_SIM, "nickname"
    roman = romanisations()
    ra, rb = roman.get(a), roman.get(b)
    if ra is not None and rb is not None and not ra.isdisjoint(rb):
        return ROMANISATION_SIM, "romanisation"
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        return (INITIAL_SIM, "initial") if a[0] == b[0] else (0.0, "")
    if _gendered_pair(a, b):
        return GENDERED_SIM, "gendered form"
    if _patronymic_pair(a, b):
        return GENDERED_SIM, "patronymic"
    distance = OSA.distance(a, b)
    sim = 1.0 - distance / max(la, lb)
    if distance == 1 and la == lb and sim < TRANSPOSE_SIM:
        if Levenshtein.distance(a, b) == 2:
            return TRANSPOSE_SIM, "transposition"
        if (
            la > 3
            and inner_vowel_swap(a, b)
            and not _two_syllables(a, b)
            and not _other_syllables(ra, rb, a, b)
        ):
            # (nor is another vowel a spelling of an East Asian syllable: pinyin "jing" is
            # not the Korean "jang", "chen" not "chin")
            return VOWEL_SIM, "vowel"
    if sim >= 0.9 or sim < LOOSE_FLOOR or _two_syllables(a, b) or _other_syllables(ra, rb, a, b):
        return sim, "spelling"
    ka, kb = loose_key(a), loose_key(b)
    if ka == kb or equal_key(ka) == equal_key(kb):
        return LOOSE_SIM, "romanisation"
    loose = 1.0 - OSA.distance(ka, kb) / max(len(ka), len(kb), 1)
    if loose > sim:
        sim = loose
    if distance == 2 and min(la, lb) >= 5 and a[-1] == b[-1]:
        key = phonetic_key(a)
        if len(key) >= 3 and key == phonetic_key(b):
            return max(sim, PHONETIC_SIM), "phonetic"
    return sim, "spelling"


@lru_cache(maxsize=1 << 16)
def spelling_profile(token: str) -> tuple[int, int, bool]:
    """What :func:`spelling_may_align` reads of a token: a mask of its letters (one bit a
    letter, letters beyond the 62 first sharing bits), its length, and whether a nickname or
    romanisation group holds it."""
    mask = 0
    for char in token:
        mask |= 1 << (ord(char) % 62)
    # (a country and its adjective agree however few letters they share: "netherlands", "dutch")
    grouped = token in nicknames() or token in romanisations() or token in country_words()
    return mask, len(token), grouped


def spelling_may_align(a: tuple[int, int, bool], b: tuple[int, int, bool]) -> bool:
    """False only when ``token_similarity`` (and ``org_token_similarity``) of the two
    (different) tokens is surely at most ``MIN_SIM``: neither is an initial, no group holds
    both, and the letters one has and the other lacks cost more edits than a spelling within
    ``LOOSE_FLOOR`` allows (each such letter is at least one edit; folded spellings are only
    tried above that floor). The bound of the similarity, beside it: screening skips the pair
    without computing it."""
    mask_a, len_a, grouped_a = a
    mask_b, len_b, grouped_b = b
    if len_a <= 1 or len_b <= 1 or (grouped_a and grouped_b):
        return True
    edits = max((mask_a & ~mask_b).bit_count(), (mask_b & ~mask_a).bit_count())
    return 1.0 - edits / max(len_a, len_b) >= LOOSE_FLOOR


def _other_syllables(ra: frozenset[int] | None, rb: frozenset[int] | None, a: str, b: str) -> bool:
    """Two East Asian syllables, one a romanisation of a known syllable and the other not
    among its spellings ("jang", 장, and "yang", 杨 or 양): other syllables, however the
    spellings of other languages fold them (a Slavic "ja" is "ya")."""
    if ra is None and rb is None:
        return False
    syllables = pinyin_syllables()
    return (ra is not None or a in syllables) and (rb is not None or b in syllables)


#: a name this many letters shorter than the full name of its group is a short form of it
SHORT_FORM_LETTERS = 3


def _nicknames(a: str, b: str, shared: frozenset[int]) -> bool:
    """One of the two names is a full form of a group both belong to (as long as the name the
    group is listed under, or nearly: a spelling of it): "tina" and "chris" are both short for
    Christina, but not for each other (no hop through the full name)."""
    longest = max(len(a), len(b))
    lengths = nickname_lengths()
    return any(longest > lengths[gid] - SHORT_FORM_LETTERS for gid in shared)


@lru_cache(maxsize=1 << 16)
def org_token_similarity(a: str, b: str) -> tuple[float, str]:
    """``token_similarity`` for organisation and object names: initials are a person-name
    phenomenon, so a single letter agrees only with the same single letter ("c" is not an
    initial of "cross"); sound-alike spellings must start with the same letter, and folded
    spellings of words of ``SHORT_ORG_TOKEN`` letters or fewer do not count."""
    if (len(a) == 1) != (len(b) == 1):
        return 0.0, ""
    compass = compass_words()
    way_a, way_b = compass.get(a), compass.get(b)
    if way_a is not None and way_b is not None and way_a != way_b:
        # another direction: "northern" and "southern" are two words, not two spellings
        return 0.0, ""
    adjectives = country_adjectives()
    if a != b and adjectives.get(a, a) == adjectives.get(b, b):
        return COUNTRY_ADJECTIVE_SIM, "country adjective"
    sim, how = token_similarity(a, b)
    if how == "patronymic":
        # a plural in an organisation name is the same word ("electronics" / "electronic")
        return 1.0 - OSA.distance(a, b) / max(len(a), len(b)), "spelling"
    if (
        sim == LOOSE_SIM
        and how == "romanisation"
        and (min(len(a), len(b)) <= SHORT_ORG_TOKEN or spelled_out(a) or spelled_out(b))
    ):
        # folded spellings of a short word ("lai" / "laei") are another word, often an
        # acronym, in an organisation name, and so are those of a word read letter by letter
        # ("srcar" / "srkar"): only spelling counts
        return 1.0 - OSA.distance(a, b) / max(len(a), len(b)), "spelling"
    if how == "phonetic" and a[0] != b[0]:
        # a brand that starts with another letter ("cisco" / "sasco") is another brand, however
        # alike it sounds (a typo rarely changes the first letter): only spelling counts
        ka, kb = loose_key(a), loose_key(b)
        spelled = 1.0 - OSA.distance(a, b) / max(len(a), len(b))
        loose = 1.0 - OSA.distance(ka, kb) / max(len(ka), len(kb), 1)
        return max(spelled, loose), "spelling"
    return sim, how


_VOWEL_SET = frozenset("aeiouy")


def spelled_out(word: str) -> bool:
    """A word read letter by letter, as an acronym is: it starts with three consonants, none
    an h (a digraph's: sh, ch, th), that start no word (``word_onsets``: "str", "prz")."""
    start = word[:3]
    return (
        len(start) == 3
        and _VOWEL_SET.isdisjoint(start)
        and "h" not in start
        and start not in word_onsets()
    )


def _gendered_pair(a: str, b: str) -> bool:
    """A name and its feminine form ("petrov" / "petrova", "daniel" / "danielle"): relatives,
    not spellings of one name."""
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < 4:
        return False
    return long == short + "a" or (short[-1] == "l" and long == short + "le")


def _patronymic_pair(a: str, b: str) -> bool:
    """A given name and the surname made from it with an "s" ("william" / "williams",
    "robert" / "roberts", "adam" / "adams"): two name parts, not one spelled two ways. Names
    ending in a vowel are left alone ("carlo" / "carlos", "nicola" / "nicolas" are spellings
    of one name)."""
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return (
        len(short) >= 4 and long == short + "s" and short[-1] not in _VOWEL_SET and short[-1] != "s"
    )


#: a pinyin syllable this short is a whole syllable, not part of a longer name
SYLLABLE_LETTERS = 4


def _two_syllables(a: str, b: str) -> bool:
    """Two short pinyin syllables: two characters, not two spellings of one ("jing" / "jang",
    "chen" / "chun", "yang" / "jang"), unless a romanisation group says so (Korean "gang" /
    "kang", checked before)."""
    if len(a) > SYLLABLE_LETTERS or len(b) > SYLLABLE_LETTERS:
        return False
    syllables = pinyin_syllables()
    return a in syllables and b in syllables


def inner_vowel_swap(a: str, b: str) -> bool:
    """One vowel written for another inside the word ("laden" / "ladin"); a different final
    vowel is not one ("maria" / "mario" often names another person)."""
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            return i < len(a) - 1 and x in _VOWEL_SET and y in _VOWEL_SET
    return False


def shape(sim: float, floor: float = SHAPE_FLOOR) -> float:
    """Map a token similarity to evidence: near-identical parts count fully, weak ones little.

    A lower ``floor`` is gentler: it is used when the whole name is one word, where a typo
    cannot be outweighed by other agreeing parts."""
    if sim >= 0.95:
        return sim
    if sim <= floor:
        return 0.0
    return (sim - floor) / (0.95 - floor) * 0.95
