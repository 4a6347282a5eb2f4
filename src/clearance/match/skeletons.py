"""Consonant skeletons: how the words of a name from an abjad (Arabic, Hebrew script) compare
with each other and with a Latin spelling.

An abjad writes consonants and long vowels only, so its Latin transliteration is a skeleton
("hsyny"); a Latin name is reduced to its consonants ("hsn" for Hasan, Hussein, Husseini) to be
compared with it, and the long vowels the abjad writes must be spelled in the Latin name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import groupby, pairwise

from rapidfuzz.distance import OSA, Levenshtein, Opcodes

from clearance.match.tokens import MIN_SIM, token_similarity
from clearance.text.keys import NameForm
from clearance.text.normalize import clean_latin
from clearance.text.spelling import (
    PARTICLE_START,
    VOWEL_START,
    consonants,
    join_parts,
    skeleton_letters,
)
from clearance.text.tables import spelled_letters, vocabulary
from clearance.text.translit import SYLLABARIES, latinize

Similarity = Callable[[str, str], tuple[float, str]]


def skeleton_reading(left: NameForm, right: NameForm) -> tuple[bool, bool]:
    """How two names' words are compared: ``(same_abjad, skeletons)``.

    Two names in the same abjad are compared letter for letter (their Latin forms are already
    consonantal, and a skeleton would drop the long vowels that tell "mhmd" from "mhmwd"); a
    name from an abjad against any other is compared as consonant skeletons, except against a
    name written in syllables: with about one consonant a syllable, its skeleton agrees with an
    unrelated name's by chance ("man qin" / "kyan mein": "mn kn")."""
    left_abjad, right_abjad = left.abjad, right.abjad
    same_abjad = left_abjad and right_abjad and left.script == right.script
    skeletons = left_abjad != right_abjad or (left_abjad and not same_abjad)
    if skeletons and (left.script in SYLLABARIES or right.script in SYLLABARIES):
        skeletons = False
    return same_abjad, skeletons


#: skeletons this short are a root's consonants: two of them swapped spell another root
SWAP_ROOT_LETTERS = 3


def skeleton_similarity(a: str, b: str) -> tuple[float, str]:
    """Consonant skeletons compared: a one-letter skeleton is a short word, not an initial
    ("t" from "ti" is not the initial of "tkrt"); two letters swapped in a skeleton of three
    letters or fewer are another word, not a typing error (نجم "nm", Najm, is not Manan "mn"):
    they count as the two edits they are."""
    if a != b and (skeleton_letters(a) == 1 or skeleton_letters(b) == 1):
        return 0.0, ""
    sim, how = token_similarity(a, b)
    letters = min(skeleton_letters(a), skeleton_letters(b))
    if how == "transposition" and letters <= SWAP_ROOT_LETTERS:
        return 1.0 - Levenshtein.distance(a, b) / max(len(a), len(b)), "spelling"
    return sim, how


def abjad_similarity(a: str, b: str) -> tuple[float, str]:
    """Two words of one abjad, both transliterated: every letter written is a consonant or a
    long vowel, so one letter more or less is another name ("mhmd" / "mhmwd"), and counts
    twice what it counts in a spelled-out name."""
    if a == b:
        return 1.0, "exact"
    fa, fb = _hamza_fold(a), _hamza_fold(b)
    if fa == fb:
        return 0.95, "spelling"
    return 1.0 - 2 * Levenshtein.distance(fa, fb) / max(len(fa), len(fb), 1), "spelling"


#: vowel letters in a transliterated abjad word come from hamza seats and alef maqsura, whose
#: spelling varies (ئ / ي / ی, ؤ / و, ى / ي at the end): fold them onto their seat letter
_HAMZA = str.maketrans({"i": "y", "u": "w", "a": None})


def _hamza_fold(word: str) -> str:
    if word.endswith("a"):
        word = word[:-1] + "y"
    return word.translate(_HAMZA)


def align_checked(
    a: tuple[str, ...], b: tuple[str, ...], similarity: Similarity
) -> tuple[list[tuple[int, int, float, str]], set[int], set[int]]:
    """Alignment where identical parts (skeletons) may still disagree: most similar first."""
    free_a, free_b = set(range(len(a))), set(range(len(b)))
    cands = [(*similarity(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)]
    cands.sort(key=lambda c: (c[0], c[1] == "exact"), reverse=True)
    pairs: list[tuple[int, int, float, str]] = []
    for sim, how, i, j in cands:
        if sim > MIN_SIM and i in free_a and j in free_b:
            free_a.discard(i)
            free_b.discard(j)
            pairs.append((i, j, sim, how))
    return pairs, free_a, free_b


#: an agreeing skeleton whose long vowel the Latin spelling lacks ("hsyny" / "hassan")
LONG_VOWEL_SIM = 0.75
#: long vowels an abjad writes (their Latin letters after transliteration) and the Latin
#: letters that can spell each (j: the glide of Germanic spellings, "bjorklund")
_LONG_VOWELS = {"y": frozenset("ieyj"), "w": frozenset("uow")}
_HEBREW_LONG_VOWELS = {**_LONG_VOWELS, "v": frozenset("uowv")}


#: a word whose first letter is a consonant its skeleton drops (y, w, j, v) against a Latin
#: word that spells another first consonant: no agreement ("yrdn", Yarden, is not Radwan)
INITIAL_GLIDE_SIM = 0.5
#: those first letters of a transliterated abjad word, and the Latin letters that can spell
#: each (ج: Jamal, Gamal, Djamel; و: Walid, Oualid, Vered)
_INITIAL_GLIDES = {
    "y": frozenset("yjie"),
    "w": frozenset("wvou"),
    "v": frozenset("vwbou"),
    "j": frozenset("jgdyz"),
}


#: letters of an Arabic-script word's transliteration that a Latin v inside a word can spell
_ARABIC_V = frozenset("wvbf")


def _inner_glides(tokens: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """The Latin letters that can spell the first letter of each word after the first of
    ``tokens`` (an abjad name's words, transliterated) whose first letter the skeleton drops
    (``_INITIAL_GLIDES``): written together, that letter is inside the name, where the check of
    a word's first letter does not reach."""
    return tuple(_INITIAL_GLIDES[t[0]] for t in tokens[1:] if t and t[0] in _INITIAL_GLIDES)


def _glides_spelled(glides: tuple[frozenset[str], ...], spelled: str) -> bool:
    """Each of those letters is spelled somewhere after the Latin word's first letter."""
    rest = spelled[1:]
    return all(not letters.isdisjoint(rest) for letters in glides)


@lru_cache(maxsize=1 << 12)
def _run_glides(tokens: tuple[str, ...]) -> dict[str, tuple[frozenset[str], ...]]:
    """Runs of 2-3 adjacent words of an abjad name, written together as the aligner joins them
    (``_originals_of``), with the letters of ``_inner_glides`` when they have some."""
    out: dict[str, tuple[frozenset[str], ...]] = {}
    for size in (2, 3):
        for i in range(len(tokens) - size + 1):
            run = tokens[i : i + size]
            glides = _inner_glides(run)
            if glides:
                out.setdefault("".join(run), glides)
    return out


def _initial_agrees(written: str, spelled: str) -> bool:
    """A first letter that the skeleton drops is spelled at the start of the Latin word."""
    letters = _INITIAL_GLIDES.get(written[0])
    return letters is None or spelled[0] in letters


class LongVowels:
    """Consonant skeletons of an abjad name against a Latin one, with the long vowels the
    abjad writes (y for i/e, w for u/o, after the first letter) required in the Latin spelling:
    one skeleton spells Hasan and Husseini, but only Husseini writes the long i."""

    __slots__ = (
        "_abjad",
        "_abjad_left",
        "_final",
        "_glides",
        "_halves",
        "_hebrew",
        "_latin",
        "_letters",
        "_no_kh",
        "_spelled",
        "_split_kh",
        "_two_sounds",
        "joined_agree",
    )

    def __init__(self, abjad: NameForm, latin: NameForm, abjad_left: bool) -> None:
        self._abjad = _originals(abjad)
        self._latin = _originals(latin)
        #: words the abjad name writes in Latin letters ("هناء Cain"): spelled out, they are
        #: compared as spelled, not reduced to their consonants ("cain" is not "cano")
        self._spelled = _spelled_words(abjad.original)
        self._abjad_left = abjad_left
        self._hebrew = abjad.script == "Hebr"
        self._final = _final_yeh(abjad.original)
        self._two_sounds = _two_sounds(abjad.original)
        self._split_kh = _split_kh(abjad.original)
        self._no_kh = _no_kh(abjad.original)
        #: words written with a letter that a Latin spelling writes with one of a few letters
        #: (a k, a ghayn: ``spelled_letters``), each with those Latin letters
        self._letters = _lettered_words(abjad.original)
        halves = vocabulary().theophoric_halves
        #: a name writes a theophoric half alone (most do not: the check is skipped)
        self._halves = not (halves.isdisjoint(abjad.tokens) and halves.isdisjoint(latin.tokens))
        #: the long vowels agree between the names written without spaces
        self.joined_agree = _long_vowels_agree(
            abjad.joined,
            latin.joined,
            bool(abjad.tokens) and abjad.tokens[-1] in self._final,
            self._hebrew,
        ) and _consonants_agree(abjad.joined, latin.joined, split_kh=bool(self._split_kh))
        #: runs of words written together whose later words start with a letter the skeleton
        #: drops (``_run_glides``), and the whole name checked for them likewise
        self._glides = _run_glides(abjad.tokens)
        if self.joined_agree and len(abjad.tokens) > 1:
            self.joined_agree = _glides_spelled(_inner_glides(abjad.tokens), latin.joined)

    def __call__(self, a: str, b: str) -> tuple[float, str]:
        x, y = (a, b) if self._abjad_left else (b, a)
        written, spelled = self._abjad.get(x), self._latin.get(y)
        if written in self._spelled and spelled:
            return token_similarity(written, spelled)
        if self._halves and written and spelled and _half_against_whole(written, spelled):
            return 0.0, ""
        sim, how = skeleton_similarity(a, b)
        if (
            sim > INITIAL_GLIDE_SIM
            and written
            and spelled
            and not _initial_agrees(written, spelled)
        ):
            return INITIAL_GLIDE_SIM, "spelling"
        if (
            sim > INITIAL_GLIDE_SIM
            and written in self._glides
            and spelled
            and not _glides_spelled(self._glides[written], spelled)
        ):
            # (الجعليين, "al jlyyn", joined "-ln", is not Alwaneo: no j, g or d spells its jim)
            return INITIAL_GLIDE_SIM, "spelling"
        if (
            sim > INITIAL_GLIDE_SIM
            and not self._hebrew
            and spelled
            and "v" in spelled[1:]
            and written
            and _ARABIC_V.isdisjoint(written)
        ):
            # (a v inside a Latin word spells a waw, Persian and Russian spellings writing it
            # so, or a b or f: an Arabic-script word with none of them is another name, the
            # skeleton dropping the v as a glide: الجعليين, "ln", is not "javelin")
            return INITIAL_GLIDE_SIM, "spelling"
        if sim > INITIAL_GLIDE_SIM and written in self._no_kh and spelled and "kh" in spelled:
            return INITIAL_GLIDE_SIM, "spelling"
        if (
            sim > INITIAL_GLIDE_SIM
            and written in self._letters
            and spelled
            and any(latin.isdisjoint(spelled) for latin in self._letters[written])
        ):
            # (a k is no h: בכר, Bakr, is not Bahar; a ghayn no k: غنيم, Ghanim, is not KNIIM)
            return INITIAL_GLIDE_SIM, "spelling"
        if (
            sim > LONG_VOWEL_SIM
            and written
            and spelled
            and not _long_vowels_agree(
                written, spelled, written.endswith(tuple(self._final)), self._hebrew
            )
        ):
            return LONG_VOWEL_SIM, "vowel"
        if (
            sim > LONG_VOWEL_SIM
            and written
            and spelled
            and not _consonants_agree(
                written, spelled, written in self._two_sounds, written in self._split_kh
            )
        ):
            if written in self._split_kh:
                # (the Latin kh is one sound, against the abjad's two letters)
                spelled = spelled.replace("kh", "x")
            cw, cs = consonants(written, False), consonants(spelled, False)
            return min(sim, 1.0 - OSA.distance(cw, cs) / max(len(cw), len(cs))), "spelling"
        return sim, how

    def words_agree(self, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        """Each abjad word writes every consonant its Latin word spells (``a`` and ``b``:
        skeletons of the two names, word for word, in the order of the call's sides): equal
        skeletons are not the same name when a word spells one consonant twice that the abjad
        writes once ("nando" / נדב, both "nd")."""
        for x, y in zip(a, b, strict=True):
            written, spelled = (
                (self._abjad.get(x), self._latin.get(y))
                if self._abjad_left
                else (self._abjad.get(y), self._latin.get(x))
            )
            if (
                written
                and spelled
                and written not in self._spelled
                and not _consonants_agree(
                    written, spelled, written in self._two_sounds, written in self._split_kh
                )
            ):
                return False
        return True


def _consonants_agree(
    written: str, spelled: str, two_sounds: bool = False, split_kh: bool = False
) -> bool:
    """An abjad writes every consonant: one the Latin spelling has twice, a vowel between,
    and the abjad once, is another name ("nando" / נדב). With ``two_sounds`` (the abjad
    writes a consonant twice with a letter between that its transliteration drops, an ayin
    or an alef), one the Latin spelling writes once is another name too (عبدالعلی, Abdolali,
    is not "Abdoulaye"); a consonant written twice in a row is one doubled sound, which Latin
    spellings often write once (عبدالله, "Abdulah"). Arguments: the abjad word's and the
    Latin word's letters, as transliterated and as spelled. With ``split_kh`` (the abjad
    writes k and h as two letters, כהן), a Latin "kh" (one sound, خ: Khan) is another name,
    and so is one without a k (Hani)."""
    if split_kh and "kh" in spelled:
        return False
    cw = consonants(written, False)
    cs = consonants(spelled, True)
    if split_kh and "k" not in spelled and "c" not in spelled and "q" not in spelled:
        # (nor is a name without the k: כהן is not Hani)
        return False
    if len(cs) > len(cw) and _runs(cs) == _runs(cw):
        return False
    if not two_sounds:
        return True
    whole = consonants(spelled, False)
    return len(cw) <= len(whole) or _runs(cw) != _runs(whole)


@lru_cache(maxsize=1 << 12)
def _spelled_words(original: str) -> frozenset[str]:
    """The words an abjad name writes in Latin letters, as spelled."""
    return frozenset(
        t for word in original.split() if word.isascii() for t in clean_latin(word).split()
    )


@lru_cache(maxsize=1 << 12)
def _two_sounds(original: str) -> frozenset[str]:
    """Latin forms of the words of ``original`` (an abjad name) that write a letter twice, a
    letter between, and none twice in a row: a consonant their transliteration doubles is
    two sounds (a digraph's letters, "kh" of כהן "khhn", are not: no letter repeats there)."""
    return frozenset(
        token
        for word in original.split()
        if not word.isascii()
        and len(set(word)) < len(word)
        and all(a != b for a, b in pairwise(word))
        for token in clean_latin(latinize(word)).split()
    )


@lru_cache(maxsize=1 << 12)
def _split_kh(original: str) -> frozenset[str]:
    """Latin forms of the words of ``original`` (an abjad name) whose "kh" is two letters, a
    k and an h (כהן "khn", Kohen), not one (خ, the kh of Khan): told apart letter by letter."""
    out: set[str] = set()
    for word in original.split():
        if word.isascii():
            continue
        tokens = [t for t in clean_latin(latinize(word)).split() if "kh" in t]
        if not tokens:
            continue
        letters = [latinize(c).lower() for c in word]
        if any(a.endswith("k") and b.startswith("h") for a, b in pairwise(letters)):
            out.update(tokens)
    return frozenset(out)


#: the letters of an abjad that a Latin spelling may write "kh": خ, and ح as Russian
#: spellings write it (Akhmed), ك and ک as some spellings do (مكتب, the UN's "Makhtab");
#: Hebrew het and kaf (Khaim, Mikhail)
_KH_LETTERS = frozenset("\u062e\u062d\u0643\u06a9\u05d7\u05db\u05da")


@lru_cache(maxsize=1 << 12)
def _no_kh(original: str) -> frozenset[str]:
    """Latin forms of the words of ``original`` (an abjad name) with no letter a Latin "kh"
    can spell: their h is a he (הלל, Hillel, is not Khalil)."""
    return frozenset(
        token
        for word in original.split()
        if not word.isascii() and _KH_LETTERS.isdisjoint(word)
        for token in clean_latin(latinize(word)).split()
    )


@lru_cache(maxsize=1 << 12)
def _lettered_words(original: str) -> dict[str, tuple[frozenset[str], ...]]:
    """Latin forms of the words of ``original`` (an abjad name) written with a letter of
    ``spelled_letters`` (a k, a ghayn), each with the sets of Latin letters a spelling of it
    writes one of (k, c, q or x for a k)."""
    out: dict[str, tuple[frozenset[str], ...]] = {}
    for word in original.split():
        if word.isascii():
            continue
        needed = tuple(
            latin for letters, latin in spelled_letters() if not letters.isdisjoint(word)
        )
        if needed:
            for token in clean_latin(latinize(word)).split():
                out[token] = out.get(token, ()) + needed
    return out


def _half_against_whole(written: str, spelled: str) -> bool:
    """One word is the first half of a theophoric name written alone (Abd), the other a
    longer word that starts with it and is no spelling of the half (Abdullah, Abdallah): a
    whole name, of which the half may be the start of many others (Abd al-Karim)."""
    vocab = vocabulary()
    halves, spellings = vocab.theophoric_halves, vocab.theophoric_half_spellings
    for half, other in ((written, spelled), (spelled, written)):
        if half in halves and other.startswith(half) and other not in spellings:
            return True
    return False


def _runs(letters: str) -> str:
    """Letters with each run written once."""
    return "".join(char for char, _ in groupby(letters))


def _originals(form: NameForm) -> dict[str, str]:
    """Skeleton -> spelling of each part, and of 2-3 adjacent parts joined (the aligner joins
    parts that spell one part of the other name)."""
    return _originals_of(form.skeleton, form.tokens)


@lru_cache(maxsize=1 << 12)
def _originals_of(skel: tuple[str, ...], toks: tuple[str, ...]) -> dict[str, str]:
    """(Remembered: a query name meets every candidate's name, a listed name every query; the
    dictionary is only read.)"""
    out = dict(zip(skel, toks, strict=True))
    for size in (2, 3):
        for i in range(len(toks) - size + 1):
            out.setdefault(join_parts(skel[i : i + size]), "".join(toks[i : i + size]))
    return out


#: letters yeh (Arabic, Persian) and yod (Hebrew): a word ending with one ends with a long i
#: (a final alef is not transliterated, so a Latin "y" at the end does not tell)
_YEH = frozenset("\u064a\u06cc\u05d9")


@lru_cache(maxsize=1 << 12)
def _final_yeh(original: str) -> frozenset[str]:
    """Latin forms of the words of ``original`` that end with a yeh."""
    return frozenset(
        latin.split()[-1]
        for word in original.split()
        if word[-1] in _YEH and (latin := clean_latin(latinize(word)))
    )


#: letters that are no consonant of a Latin spelling where an abjad's long vowel may stand
_LATIN_VOWELS = frozenset("aeiouyw")
#: letters of a transliterated abjad word that are no consonant (an alef, the long vowels)
_ABJAD_VOWELS = frozenset("awy")


def _gaps(word: str, vowels: frozenset[str], doubled_once: bool) -> list[str]:
    """The letters before, between and after the consonants of a word (``vowels``: the
    letters that are not consonants; ``doubled_once``: a consonant written twice in a row is
    one)."""
    gaps = [""]
    last = ""
    for char in word:
        if char in vowels:
            gaps[-1] += char
            last = ""
        elif doubled_once and char == last and not gaps[-1]:
            continue
        else:
            gaps.append("")
            last = char
    return gaps


def _long_vowels_in_place(
    written: str, spelled: str, long_vowels: dict[str, frozenset[str]]
) -> bool:
    """The long vowels the abjad writes between two consonants (after its first letter) are
    not spelled as another vowel between the same two consonants of the Latin word, when
    both words have as many consonants: one skeleton spells Mahmoud and Mohammed, but
    Mohammed spells an e where محمود writes a long u; עילאי writes a long i before its l,
    where "Ali" spells an a. (A Latin word with no vowel there may be a foreign name that
    the abjad writes with a vowel letter between two consonants: هيرتيزفيلد, Hertzfeld.)"""
    ours = _gaps(written, _ABJAD_VOWELS | frozenset(long_vowels), False)
    theirs = _gaps(spelled, _LATIN_VOWELS, True)
    if len(ours) != len(theirs):
        return True
    for k, (gap, latin) in enumerate(zip(ours, theirs, strict=True)):
        # (the first letter of the abjad word is never read as a long vowel)
        letters = gap[1:] if k == 0 and written[:1] in long_vowels else gap
        allowed = frozenset().union(*(long_vowels.get(c, frozenset()) for c in letters))
        if allowed and latin and allowed.isdisjoint(latin):
            return False
    return True


def _long_vowels_agree(written: str, spelled: str, final_yeh: bool, hebrew: bool = False) -> bool:
    """The long vowels written after the first letter are spelled somewhere after the first
    letter, and not as another vowel in their place (``_long_vowels_in_place``), and a
    final long i after a consonant (the -i of Husseini, Abbasi) ends the Latin spelling
    too. A single Hebrew vav between consonants (transliterated v, as bet is) is a long o or
    u, or a v (David): it is checked in its place only; a double one is a v."""
    rest = set(spelled[1:])
    if any(
        letter in written[1:] and rest.isdisjoint(vowels) for letter, vowels in _LONG_VOWELS.items()
    ):
        return False
    if hebrew and not _long_vowels_in_place(
        written.replace("vv", "b"), spelled, _HEBREW_LONG_VOWELS
    ):
        return False
    if not hebrew and not _long_vowels_in_place(written, spelled, _LONG_VOWELS):
        return False
    final_i = final_yeh and len(written) > 2 and written[-1] == "y" and written[-2] not in "aeiouwy"
    return not final_i or spelled[-1] in _LONG_VOWELS["y"]


class SplitKh:
    """Consonant skeletons of a name in Hebrew letters against one in another abjad, whose
    Hebrew words write k and h as two letters (כהן "khhn", Kohen: ``_split_kh``): the other
    abjad's kh is one letter (خ, خان Khan), another name however alike the skeletons."""

    __slots__ = ("_hebrew", "_hebrew_left", "_other", "_split")

    def __init__(self, hebrew: NameForm, other: NameForm, hebrew_left: bool) -> None:
        self._hebrew = _originals(hebrew)
        self._other = _originals(other)
        self._split = _split_kh(hebrew.original)
        self._hebrew_left = hebrew_left

    def __call__(self, a: str, b: str) -> tuple[float, str]:
        x, y = (a, b) if self._hebrew_left else (b, a)
        sim, how = skeleton_similarity(a, b)
        written, other = self._hebrew.get(x), self._other.get(y)
        if sim > INITIAL_GLIDE_SIM and written in self._split and other and "kh" in other:
            return INITIAL_GLIDE_SIM, "spelling"
        return sim, how


def skeleton_check(left: NameForm, right: NameForm) -> Similarity:
    if left.abjad and right.script == "Latn":
        return LongVowels(left, right, abjad_left=True)
    if right.abjad and left.script == "Latn":
        return LongVowels(right, left, abjad_left=False)
    if left.script == "Hebr" and right.abjad and _split_kh(left.original):
        return SplitKh(left, right, hebrew_left=True)
    if right.script == "Hebr" and left.abjad and _split_kh(right.original):
        return SplitKh(right, left, hebrew_left=False)
    return skeleton_similarity


def _ends(toks: tuple[str, ...]) -> frozenset[int]:
    """Offsets where the words of a name end in the name written without spaces (its two
    ends included)."""
    out, end = {0}, 0
    for tok in toks:
        end += len(tok)
        out.add(end)
    return frozenset(out)


def _splits_within(a: tuple[str, ...], b: tuple[str, ...], opcodes: Opcodes) -> bool:
    """Every place where a word of ``a`` ends falls where a word of ``b`` ends, once the
    letters of the two names are aligned (a letter only one side has may sit on either side
    of a word end)."""
    ends_b = _ends(b)
    for end in _ends(a):
        places: set[int] = set()
        for op in opcodes:
            if op.src_start <= end <= op.src_end:
                if op.tag == "equal":
                    places.add(op.dest_start + end - op.src_start)
                else:
                    places.update(range(op.dest_start, op.dest_end + 1))
        if ends_b.isdisjoint(places):
            return False
    return True


def _unmarked(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.removeprefix(VOWEL_START).removeprefix(PARTICLE_START) for p in parts)


def same_split(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The words of one name are runs of adjacent words of the other ("bd l" / "bdl"), so
    the names differ in spacing only, not in where a word ends ("mlk s" / "ml ks": Mijalkov
    Sasho and Jamal Okasha). Skeletons are short, and the same consonants cut at another place
    spell other names; letters only one name has ("hbtl" / "hb l") may fall on either side."""
    # word ends are compared on the consonants alone (without the marks of an initial vowel)
    a, b = _unmarked(a), _unmarked(b)
    ops = Levenshtein.opcodes("".join(a), "".join(b))
    return _splits_within(a, b, ops) or _splits_within(b, a, ops.inverse())
