"""Compiled forms of names: what the matcher compares and what a candidate index stores.

``name_keys(name, schema)`` returns a :class:`NameForm` (normalised tokens without titles or
legal forms, their weights, phonetic keys, consonant skeletons, the legal-form classes and the
numbers of the name). ``name_forms`` returns one form per useful transliteration (Cyrillic
names have Russian and Ukrainian ones). Both are pure and cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from clearance.text.business import english_readings, japanese_name, latin_readings
from clearance.text.legal import split_forms, strip_native_forms
from clearance.text.normalize import clean_latin, normalize_variants, prepare
from clearance.text.scripts import detect_script
from clearance.text.spelling import loose_key, marked_skeleton, phonetic_key, skeleton
from clearance.text.tables import business_terms, part_weights, vocabulary, wade_giles
from clearance.text.translit import ABJADS, chinese_name, latinize

__all__ = [
    "NameForm",
    "loose_key",
    "name_forms",
    "name_keys",
    "name_kind",
    "phonetic_key",
    "skeleton",
]

PERSON_SCHEMATA = frozenset({"Person"})
OBJECT_SCHEMATA = frozenset({"Vessel", "Airplane", "Vehicle"})

#: names longer than this (in words) are cut: no real name is, and alignment is quadratic
MAX_TOKENS = 40


def name_kind(schema: str) -> str:
    """``person``, ``object`` (vessels, aircraft) or ``org`` (companies, organisations, unknown)."""
    if schema in PERSON_SCHEMATA:
        return "person"
    if schema in OBJECT_SCHEMATA:
        return "object"
    return "org"


class NameForm:
    """A name compiled for comparison and indexing. Immutable by convention: built once per
    name and shared by every cache and comparison that meets it.

    A hand-written class rather than a frozen dataclass: compiled, its constructor runs as
    native code, where a dataclass's generated ``__init__`` stays interpreted (a name is
    compiled for every new query and candidate name)."""

    __slots__ = (
        "_skeleton",
        "acronym",
        "given",
        "kind",
        "legal_forms",
        "native",
        "numbers",
        "original",
        "script",
        "tokens",
        "translated",
        "weights",
    )

    original: str
    kind: str
    script: str
    #: name parts, normalised, without titles, legal forms, numbers and dropped stopwords
    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    numbers: tuple[str, ...]
    legal_forms: tuple[str, ...]
    #: casefolded native text without spaces and punctuation, for non-Latin names
    native: str
    #: initials of an organisation name ("abc" for "Alpha Beta Corp"); "" under 3 words
    acronym: str
    #: the given names of a person name written "SURNAME, Given" (empty otherwise)
    given: frozenset[str]
    #: an organisation name in another script read in English (:mod:`clearance.text.business`)
    translated: bool

    def __init__(
        self,
        original: str,
        kind: str,
        script: str,
        tokens: tuple[str, ...],
        weights: tuple[float, ...],
        numbers: tuple[str, ...],
        legal_forms: tuple[str, ...],
        native: str,
        acronym: str = "",
        given: frozenset[str] = frozenset(),
        translated: bool = False,
    ) -> None:
        self.original = original
        self.kind = kind
        self.script = script
        self.tokens = tokens
        self.weights = weights
        self.numbers = numbers
        self.legal_forms = legal_forms
        self.native = native
        self.acronym = acronym
        self.given = given
        self.translated = translated
        self._skeleton: tuple[str, ...] | None = None

    def _key(self) -> tuple[object, ...]:
        return (
            self.original,
            self.kind,
            self.script,
            self.tokens,
            self.weights,
            self.numbers,
            self.legal_forms,
            self.native,
            self.acronym,
            self.given,
            self.translated,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameForm) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"NameForm{self._key()!r}"

    @property
    def abjad(self) -> bool:
        return self.script in ABJADS

    @property
    def phonetic(self) -> tuple[str, ...]:
        """Phonetic key of each token (see :func:`phonetic_key`)."""
        return tuple(phonetic_key(t) for t in self.tokens)

    @property
    def skeleton(self) -> tuple[str, ...]:
        """Consonant skeleton of each token, marked when it starts with a vowel (compared for
        names from Arabic or Hebrew script, see :func:`marked_skeleton`)."""
        # computed once: the skeleton reading asks for it in every comparison of the name
        skel = self._skeleton
        if skel is None:
            skel = self._skeleton = tuple(marked_skeleton(t) for t in self.tokens)
        return skel

    @property
    def loose(self) -> tuple[str, ...]:
        """Each token with romanisation differences folded (see :func:`loose_key`)."""
        return tuple(loose_key(t) for t in self.tokens)

    @property
    def joined(self) -> str:
        return "".join(self.tokens)

    @property
    def normalized(self) -> str:
        return " ".join(self.tokens)


#: a title this short is an abbreviation ("dr", "mrs"), never a surname
SHORT_TITLE = 3


def _drop_phrases(
    tokens: list[str],
    phrases: dict[tuple[str, ...], int],
    starts: frozenset[str],
    last_is_name: bool = False,
) -> list[str]:
    """Tokens without the title phrases among them (a name is never emptied). A title word
    right after a particle is a family name ("al shaykh"), not a title, and so is one that ends
    the name when ``last_is_name`` (a name written in its own order)."""
    if starts.isdisjoint(tokens):
        return tokens
    particles = vocabulary().particles
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in starts or (i and tokens[i - 1] in particles):
            out.append(tokens[i])
            i += 1
            continue
        for size in (3, 2, 1):
            # a title word that ends a name written in its own order is a surname ("Joseph
            # Bishop"): titles precede the name they belong to ("Bishop Desmond Tutu"), or the
            # given names after a comma ("NOORULLAH, Haji"); an abbreviated one ("Dr", "Sr") is
            # no surname wherever it stands
            if (
                tuple(tokens[i : i + size]) in phrases
                and len(tokens) - size > 0
                and (not last_is_name or i + size < len(tokens) or len(tokens[i]) <= SHORT_TITLE)
            ):
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _person_tokens(tokens: tuple[str, ...], inverted: bool = False) -> tuple[str, ...]:
    """Tokens without titles and suffixes; ``inverted``: the name is written "SURNAME, Given"."""
    vocab = vocabulary()
    if vocab.title_starts.isdisjoint(tokens) and vocab.suffixes.isdisjoint(tokens):
        return tokens  # no title, no suffix: the common case
    kept = _drop_phrases(list(tokens), vocab.titles, vocab.title_starts, not inverted)
    kept = [t for t in kept if t not in vocab.suffixes] or kept
    return tuple(kept)


def _org_tokens(tokens: tuple[str, ...], kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    vocab = vocabulary()
    if kind == "object":
        for size in (2, 1):
            if len(tokens) > size and tokens[:size] in vocab.vessel_prefixes:
                tokens = tokens[size:]
                break
        return tokens, ()
    rest, forms = split_forms(tokens)
    if len(rest) > 1:
        rest = _join_letters(rest, tokens)
    expand = vocab.abbreviations
    pairs = vocab.abbreviated_pairs
    if len(rest) > 1 and any(pair in pairs for pair in pairwise(rest)):
        rest = _expand_pairs(rest, pairs)
    kept = tuple(expand.get(t, t) for t in rest if t not in vocab.drop)
    return (kept or rest or tokens), forms


def _expand_pairs(
    tokens: tuple[str, ...], pairs: dict[tuple[str, str], tuple[str, ...]]
) -> tuple[str, ...]:
    """Two words that abbreviate others together ("hi tech") written out."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        words = pairs.get((tokens[i], tokens[i + 1])) if i + 1 < len(tokens) else None
        if words is not None:
            out.extend(words)
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


def _join_letters(tokens: tuple[str, ...], written: tuple[str, ...]) -> tuple[str, ...]:
    """Runs of single letters written together ("X.Y.E.", "Q R S" -> "xye", "qrs"): an
    organisation's initials are one word. Their letters are no name parts of their own: apart,
    "e.k.y." would share two of three with "x.y.e." in any order, and a lone "e" or "i" would
    be dropped as "and". Only letters next to each other in the name as ``written`` (before its
    legal form was taken out) are a run: in "A GmbH B" the letters stay two words."""
    out: list[str] = []
    run: list[str] = []
    for token in (*tokens, ""):
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if len(run) > 1 and _adjacent(tuple(run), written):
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return tuple(out)


def _adjacent(run: tuple[str, ...], written: tuple[str, ...]) -> bool:
    """Whether ``run`` occurs in ``written`` as consecutive tokens."""
    size = len(run)
    return any(written[i : i + size] == run for i in range(len(written) - size + 1))


def _acronym(tokens: tuple[str, ...]) -> str:
    words = [t for t in tokens if t not in vocabulary().drop]
    return "".join(w[0] for w in words) if len(words) >= 3 else ""


#: quick tests before looking at every token: a digit, or a word of Roman-numeral letters
_DIGIT = re.compile(r"\d")
_NUMBERISH = re.compile(r"\d|\b[ivxlc]{2,}\b")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_ROMAN = re.compile(r"^(?=[ivxlc])c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


_LATIN_WORD = re.compile(r"[a-z0-9]+")


def _latin_words(text: str) -> frozenset[str]:
    """The words a name writes in Latin letters (and digits), lowercased."""
    return frozenset(_LATIN_WORD.findall(text.lower()))


def _is_number(token: str, kind: str) -> bool:
    """Digits, or (outside person names) a Roman numeral of two letters or more ("iii")."""
    if token.isalpha():
        return kind != "person" and len(token) > 1 and bool(_ROMAN.match(token))
    if any(c.isdigit() for c in token):
        return True
    return kind != "person" and len(token) > 1 and bool(_ROMAN.match(token))


#: a part in brackets (ASCII or full-width) inside a name
_BRACKETED = re.compile(r"[(\uff08]([^()\uff08\uff09]+)[)\uff09]")


def _bracketed_words(original: str) -> frozenset[str]:
    """Latin words an organisation name writes in brackets ("Hoshine Silicon Industry
    (Shanshan) Co., Ltd", "合盛硅业（鄯善）有限公司"): a place, a branch, a short name that
    qualifies the name outside them. Empty when the name has no brackets."""
    if "(" not in original and "\uff08" not in original:
        return frozenset()
    return frozenset(
        word
        for part in _BRACKETED.findall(original)
        for word in clean_latin(part if part.isascii() else latinize(part)).split()
    )


def _weights(
    tokens: tuple[str, ...],
    kind: str,
    translated: bool = False,
    qualifiers: frozenset[str] = frozenset(),
) -> tuple[float, ...]:
    """``translated``: the name's business words were translated (see
    :mod:`clearance.text.business`): they weigh as generic words, since an English name may
    translate them otherwise or leave them out ("大疆创新科技": "DJI Technology").
    ``qualifiers``: words of an organisation name in brackets, which weigh as a place only one
    name has does (``geographic``) when words outside the brackets name the organisation."""
    vocab = vocabulary()
    # weights of name parts (data/name_weights.yaml): a generic word or a particle says little
    # about identity
    part = part_weights()
    if kind == "person":
        particles, endings = vocab.particles, vocab.patronymic_endings
        initial, particle, patronymic = part.initial, part.particle, part.patronymic
        # list comprehensions: a generator inside tuple() costs a frame switch per token
        return tuple(
            [
                initial
                if len(t) == 1
                else particle
                if t in particles
                else patronymic
                if len(t) > 6 and t.endswith(endings)
                else 1.0
                for t in tokens
            ]
        )
    # a single letter of an organisation name is not an initial: it says little
    generic = vocab.generic | business_terms().words if translated else vocab.generic
    weight = part.generic
    weights = [weight if t in generic or len(t) == 1 else 1.0 for t in tokens]
    if qualifiers and any(
        w == 1.0 and t not in qualifiers for t, w in zip(tokens, weights, strict=True)
    ):
        weights = [
            min(w, part.geographic) if t in qualifiers else w
            for t, w in zip(tokens, weights, strict=True)
        ]
    return tuple(weights)


def _compile(
    original: str,
    native_text: str,
    latin: str,
    kind: str,
    script: str,
    forms: tuple[str, ...],
    translated: bool = False,
) -> NameForm:
    tokens = tuple(latin.split()[:MAX_TOKENS])
    acronym = _acronym(tokens) if kind != "person" else ""
    legal: tuple[str, ...] = forms
    if kind == "person":
        # Titles are Latin words; the consonantal transliteration of an Arabic or Hebrew
        # name can spell one by accident (سارا -> "sr", read as "Sr."), and dropping it loses
        # a name part. Titles written in those scripts do not survive transliteration as
        # Latin titles anyway.
        if script not in ABJADS:
            tokens = _person_tokens(tokens, "," in original)
    else:
        tokens, found = _org_tokens(tokens, kind)
        legal = legal + found
    numbers: tuple[str, ...] = ()
    if _NUMBERISH.search(latin) if kind != "person" else _DIGIT.search(latin):
        numbers = tuple(t for t in tokens if _is_number(t, kind))
        if numbers and not native_text.isascii():
            # a Roman numeral is written in Latin letters: in a name read from another script,
            # "xi" or "li" is a syllable (信息 "xin xi", 网力 "wang li"), not 11 or 51
            written = _latin_words(native_text)
            numbers = tuple(t for t in numbers if not t.isalpha() or t in written)
    if numbers:
        tokens = tuple(t for t in tokens if t not in numbers)
        # an ordinal is its number ("13th" / "13", as a name in Chinese characters says 第十三)
        numbers = tuple(_ORDINAL.sub(r"\1", t) for t in numbers)
    native = ""
    if script not in ("Latn", ""):
        native = "".join(c for c in native_text if c.isalnum())
    given: frozenset[str] = frozenset()
    if kind == "person" and "," in original:
        given = frozenset(clean_latin(original.rsplit(",", 1)[1]).split()) & frozenset(tokens)
    return NameForm(
        given=given,
        original=original,
        kind=kind,
        script=script,
        tokens=tokens,
        weights=_weights(
            tokens,
            kind,
            translated,
            _bracketed_words(original) if kind != "person" else frozenset(),
        ),
        numbers=numbers,
        legal_forms=tuple(dict.fromkeys(legal)),
        native=native,
        acronym=acronym,
        translated=translated,
    )


_HYPHENATED = re.compile(r"\b([a-z]+)-([a-z]+)\b")


def _wade_giles_pinyin(text: str) -> str | None:
    """The name in pinyin if it has a hyphenated pair of Wade-Giles syllables: each such pair
    joined, every Wade-Giles syllable replaced ("hsiao-tung" -> "xiaodong")."""
    table = wade_giles()
    if not any(a in table and b in table for a, b in _HYPHENATED.findall(text)):
        return None
    joined = _HYPHENATED.sub(
        lambda m: (
            table.get(m[1], m[1]) + table.get(m[2], m[2])
            if m[1] in table and m[2] in table
            else m[0]
        ),
        text,
    )
    return " ".join(table.get(t, t) for t in clean_latin(joined).split())


def _with_ordinals(spellings: tuple[str, ...]) -> tuple[str, ...]:
    """The spellings, and each with its English ordinal words written as their numbers
    ("first" / 第一 / "1st"): a second form, so that a typo in the word ("nanth") still reads
    as a spelling of it."""
    ordinals = vocabulary().ordinals
    out = list(spellings)
    for spelling in spellings:
        words = spelling.split()
        if not ordinals.keys().isdisjoint(words):
            out.append(" ".join(ordinals.get(w, w) for w in words))
    return tuple(out) if len(out) > len(spellings) else spellings


#: compiled names kept: a query's forms are reused for each of its candidates, and prepared
#: entities keep their own; a larger cache only grows a long-lived screening worker by ~1.5 kB
#: per distinct name (96,000 names after 24,000 rows with the former 262,144)
NAME_FORMS_CACHE = 1 << 14


#: longest city or province (with its suffix) a Chinese organisation name may start with
PLACE_CHARS = 4


def _place_word(text: str) -> str:
    """A name in Chinese characters starting with a city or province ("北京星河科技") with the
    place written as its Latin word ("beijing 星河科技"): a qualifier, as in a Latin name. The
    longest place wins ("深圳市" over "深圳"); two characters at least must follow it."""
    places = vocabulary().geographic_cjk
    for size in range(min(PLACE_CHARS, len(text) - 2), 1, -1):
        word = places.get(text[:size])
        if word is not None:
            return f"{word} {text[size:]}"
    return text


def name_forms(name: str, schema: str = "LegalEntity") -> tuple[NameForm, ...]:
    """Every compiled form of ``name``: one per spelling from ``normalize_variants``, and the
    pinyin spelling of a Wade-Giles name."""
    return _kind_forms(name, name_kind(schema))


@lru_cache(maxsize=1)
def _native_titles() -> frozenset[str]:
    return frozenset(prepare(t) for t in vocabulary().native_titles)


def _without_native_titles(text: str) -> str:
    """A person's name in its own script without the honorifics it starts with ("السيد
    شجاع صيام" -> "شجاع صيام"); a name of honorifics alone is kept."""
    words = text.split()
    titles = _native_titles()
    start = 0
    while start < len(words) - 1 and words[start] in titles:
        start += 1
    return " ".join(words[start:]) if start else text


@lru_cache(maxsize=NAME_FORMS_CACHE)
def _kind_forms(name: str, kind: str) -> tuple[NameForm, ...]:
    # cached by kind of name, not schema: a query is read as a Company, an Organization and
    # a LegalEntity alike, and transliterating it again for each costs (pinyin, kana)
    native_forms: tuple[str, ...] = ()
    english: tuple[str, ...] = ()
    if name.isascii():
        # NFKC and transliteration leave ASCII text as it is: skip them (the common case)
        text = name.lower()
        # detect_script of ASCII text, without a cache entry per name: Latin if it has a letter
        script = "Latn" if text.upper() != text else ""
        spellings: tuple[str, ...] = (clean_latin(text),)
        if kind == "org":
            # a Russian company name in Latin letters read in English ("kaliynaya kompaniya")
            english = latin_readings(spellings[0])
    else:
        text = prepare(name)
        if kind == "person":
            text = _without_native_titles(text)
        script = detect_script(text)
        # a legal form stripped below may be what tells a Chinese name from a Japanese one
        japanese = not chinese_name(text)
        reading = text
        if kind == "org":
            in_japanese = japanese_name(text)
            text, native_forms = strip_native_forms(text)
            reading = _place_word(text)
            english = english_readings(text, script, in_japanese)
        spellings = normalize_variants(reading, japanese)
    if script == "Latn" and "-" in text:
        pinyin = _wade_giles_pinyin(latinize(text).lower())
        if pinyin is not None:
            spellings = (*spellings, pinyin)
    if kind != "person":
        spellings = _with_ordinals(spellings)
    if len(spellings) == 1 and not english:
        return (_compile(name, text, spellings[0], kind, script, native_forms),)
    forms = [_compile(name, text, latin, kind, script, native_forms) for latin in spellings]
    if english:
        # the name read in English (its business words translated): compared as a Latin name,
        # except that words left in an abjad are compared as consonant skeletons
        as_script = script if script in ABJADS else "Latn"
        forms.extend(
            _compile(name, text, clean_latin(latin), kind, as_script, native_forms, True)
            for latin in english
            if clean_latin(latin) not in spellings
        )
    return tuple(forms)


#: a name that ends in a parenthetical part: "KOREA KWANGSON BANKING CORPORATION (KKBC)"
_PARENTHETICAL = re.compile(r"^(.*\w[^(]*?)\s*\(([^()]*\w[^()]*)\)\s*$")
#: a parenthetical part of at most this many words is another name of the entity (an acronym,
#: a short name); a longer one is a remark ("BRANCH LOCATED IN ALBU KAMAL, ...")
PARENTHETICAL_WORDS = 3
#: the kind of name a parenthetical part becomes: an acronym spells many names
PARENTHETICAL_KIND = "weakAlias"


def listed_names(names: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (value, kind) names of a listed entity as the matcher and the index read them: each
    as listed, and a name ending in a parenthetical part also without it (its own kind) and,
    when that part is short, the part alone (a weak alias): clients write "China Electronics
    Technology Group Corporation 13th Research Institute" or "CETC 13", not both."""
    out = dict.fromkeys(names)
    for value, kind in list(out):
        match = _PARENTHETICAL.match(value)
        if match is None:
            continue
        out.setdefault((match[1].strip(), kind))
        part = match[2].strip()
        if len(part.split()) <= PARENTHETICAL_WORDS:
            out.setdefault((part, PARENTHETICAL_KIND))
    return list(out)


def name_keys(name: str, schema: str = "LegalEntity") -> NameForm:
    """The primary compiled form of ``name`` (see :func:`name_forms` for all of them)."""
    return name_forms(name, schema)[0]
