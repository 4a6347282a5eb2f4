"""Reference tables for names, read from the YAML files in ``clearance/data`` once, on first use.

Nothing is read at import time; each accessor is cached, so the files are parsed at most once
per process. The tables are returned as frozen, pre-compiled lookups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from clearance.datafiles import load_data


@dataclass(frozen=True, slots=True)
class LegalForms:
    """Legal-form phrases (as token tuples) and native-script affixes, each to its class."""

    phrases: dict[tuple[str, ...], str]
    native: tuple[tuple[str, str], ...]  # (affix, class), longest first
    classes: frozenset[str]
    longest: int
    #: words rigour's organisation-type table reads as a legal form that are names in practice
    not_forms: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Vocabulary:
    drop: frozenset[str]
    generic: frozenset[str]
    particles: frozenset[str]
    titles: dict[tuple[str, ...], int]  # title phrase -> length in tokens
    title_starts: frozenset[str]
    suffixes: frozenset[str]
    vessel_prefixes: frozenset[tuple[str, ...]]
    patronymic_endings: tuple[str, ...]
    abbreviations: dict[str, str]
    #: abbreviations of two words ("hi tech") -> the words they stand for
    abbreviated_pairs: dict[tuple[str, str], tuple[str, ...]]
    #: organisation-name words that weigh almost nothing when only one name has them
    geographic: frozenset[str] = frozenset()
    #: organisation-name words that count fully when only one name has them
    activity: frozenset[str] = frozenset()
    #: ``geographic`` places in Chinese characters (also with their suffixes) -> the word of
    #: ``geographic`` each stands for
    geographic_cjk: dict[str, str] = field(default_factory=dict)
    #: organisation-name words of fund and trust series (numbers differ within a family)
    series: frozenset[str] = frozenset()
    #: particles that start an Arabic family or tribal name
    family_particles: frozenset[str] = frozenset()
    #: English ordinal words of organisation names, each to its number ("first": "1")
    ordinals: dict[str, str] = field(default_factory=dict)
    #: honorifics written in other scripts before a person's name (as written in the data)
    native_titles: frozenset[str] = frozenset()
    #: the first half of a theophoric name written alone (Abd), and its Latin spellings
    theophoric_halves: frozenset[str] = frozenset()
    theophoric_half_spellings: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PartWeights:
    """The weight of a name part by what it is (``data/name_weights.yaml``, ``parts``), and the
    other charges and discounts of unaligned parts (``unaligned``)."""

    generic: float
    particle: float
    initial: float
    patronymic: float
    short_skeleton: float
    geographic: float
    short_skeleton_factor: float
    family_conflict: float


@cache
def part_weights() -> PartWeights:
    data = load_data("name_weights.yaml")
    values = {**data["parts"], **data["unaligned"]}
    return PartWeights(**{k: float(v) for k, v in values.items()})


@dataclass(frozen=True, slots=True)
class BusinessTerms:
    """The business vocabulary of company names in other scripts, with its English renderings
    (``data/business_terms.yaml``)."""

    #: Chinese and Japanese terms (also places, from ``geographic_cjk``, and other names) and
    #: Hangul ones
    cjk: dict[str, tuple[str, ...]]
    hangul: dict[str, tuple[str, ...]]
    #: the longest term of ``cjk`` and ``hangul``, in characters
    longest: int
    #: single characters that end a Chinese organisation name
    cjk_final: dict[str, tuple[str, ...]]
    #: single characters that start a run of a Chinese name's own part, read in English there
    cjk_prefixes: dict[str, tuple[str, ...]]
    #: single characters that end a run of a Chinese name's own part, read in English there
    cjk_suffixes: dict[str, tuple[str, ...]]
    #: (stem, renderings) of Cyrillic words, longest stem first
    cyrillic: tuple[tuple[str, tuple[str, ...]], ...]
    #: (ending, nominative ending) of Cyrillic adjectives in the genitive, longest first
    cyrillic_endings: tuple[tuple[str, str], ...]
    #: other Latin spellings of the words of ``cyrillic`` (and more words) -> renderings; the
    #: stems of ``cyrillic`` transliterated are read too (:mod:`clearance.text.business`)
    cyrillic_latin: dict[str, tuple[str, ...]]
    #: acronyms of those words in Latin letters (whole words: "npp", "nii") -> renderings
    cyrillic_latin_acronyms: dict[str, tuple[str, ...]]
    #: Arabic-script words (folded by ``arabic_folding``) -> renderings (also the names of
    #: ``arabic_names``, which are not generic ``words``)
    arabic: dict[str, tuple[str, ...]]
    #: the Arabic article and prepositions written together with a word, longest first
    arabic_prefixes: tuple[str, ...]
    #: letters written several ways in Arabic-script names (Persian kaf and yeh, hamza
    #: seats, taa marbuta), each to one, as a ``str.translate`` table
    arabic_folding: dict[int, str]
    #: words that mark a name in kanji as Japanese
    japanese_markers: tuple[str, ...]
    ordinal_prefix: str
    digits: dict[str, int]
    units: dict[str, int]
    #: the English words of the business terms (not of places and names): generic words
    words: frozenset[str]
    #: the terms of ``cjk`` that are names (``cjk_names``: brands, groups, exonyms): read in
    #: English and romanised as well, since English names use either ("Autel" and "Daotong"
    #: for 道通)
    names: frozenset[str]
    #: the terms of ``cjk`` that are business vocabulary (not places or names): their
    #: romanised syllables are generic words too
    generic_cjk: frozenset[str] = frozenset()


def _renderings(table: dict[str, list[str]] | None) -> dict[str, tuple[str, ...]]:
    return {str(k).casefold(): tuple(str(v) for v in vs) for k, vs in (table or {}).items()}


@cache
def business_terms() -> BusinessTerms:
    data = load_data("business_terms.yaml")
    cjk: dict[str, tuple[str, ...]] = {
        place: (word,) for place, word in vocabulary().geographic_cjk.items()
    }
    names = _renderings(data["cjk_names"])
    cjk.update(names)
    terms = [
        _renderings(data[key])
        for key in (
            "cjk",
            "hangul",
            "cjk_final",
            "cyrillic",
            "arabic",
            "cyrillic_latin",
            "cyrillic_latin_acronyms",
        )
    ]
    cjk.update(terms[0])
    hangul = terms[1]
    numerals = data["cjk_numerals"]
    folding = str.maketrans({str(k): str(v) for k, v in data["arabic_letters"].items()})
    return BusinessTerms(
        cjk=cjk,
        hangul=hangul,
        longest=max(len(term) for term in (*cjk, *hangul)),
        cjk_final=_renderings(data["cjk_final"]),
        cjk_prefixes=_renderings(data["cjk_prefixes"]),
        cjk_suffixes=_renderings(data["cjk_suffixes"]),
        cyrillic=tuple(sorted(_renderings(data["cyrillic"]).items(), key=lambda i: -len(i[0]))),
        cyrillic_endings=tuple(
            sorted(
                ((str(k), str(v)) for k, v in data["cyrillic_endings"].items()),
                key=lambda i: -len(i[0]),
            )
        ),
        cyrillic_latin=terms[5],
        cyrillic_latin_acronyms=terms[6],
        arabic={
            k.translate(folding): v
            for table in (terms[4], _renderings(data["arabic_names"]))
            for k, v in table.items()
        },
        arabic_prefixes=tuple(sorted((str(p) for p in data["arabic_prefixes"]), key=len)[::-1]),
        arabic_folding=folding,
        japanese_markers=tuple(str(w) for w in data["japanese_markers"]),
        ordinal_prefix=str(numerals["ordinal_prefix"]),
        digits={str(k): int(v) for k, v in numerals["digits"].items()},
        units={str(k): int(v) for k, v in numerals["units"].items()},
        words=frozenset(
            word
            for table in terms
            for renderings in table.values()
            for rendering in renderings
            for word in rendering.split()
        ),
        names=frozenset(names).difference(terms[0]),
        generic_cjk=frozenset(terms[0]),
    )


def _is_spaced_script(form: str) -> bool:
    return form.isascii()


@cache
def legal_forms() -> LegalForms:
    data = load_data("legal_forms.yaml")
    phrases: dict[tuple[str, ...], str] = {}
    native: list[tuple[str, str]] = []
    for code, spec in data["classes"].items():
        phrases[(code,)] = code
        for form in spec["forms"]:
            form = str(form).casefold()
            if _is_spaced_script(form):
                phrases[tuple(form.split())] = code
            else:
                native.append((form, code))
    native.sort(key=lambda item: -len(item[0]))
    longest = max(len(p) for p in phrases)
    not_forms = frozenset(str(w).casefold() for w in data.get("not_forms", ()))
    return LegalForms(phrases, tuple(native), frozenset(data["classes"]), longest, not_forms)


@cache
def vocabulary() -> Vocabulary:
    stop = load_data("stopwords.yaml")
    titles = load_data("titles.yaml")
    title_map = {tuple(str(t).split()): len(str(t).split()) for t in titles["titles"]}
    return Vocabulary(
        drop=frozenset(stop["drop"]),
        generic=frozenset(stop["generic"]),
        particles=frozenset(stop["person_particles"]),
        titles=title_map,
        title_starts=frozenset(phrase[0] for phrase in title_map),
        suffixes=frozenset(titles["suffixes"]),
        vessel_prefixes=frozenset(tuple(str(p).split()) for p in titles["vessel_prefixes"]),
        patronymic_endings=tuple(dict.fromkeys(stop.get("patronymic_endings", []))),
        abbreviations={
            str(k): str(v) for k, v in stop.get("abbreviations", {}).items() if " " not in str(k)
        },
        abbreviated_pairs={
            (str(k).split()[0], str(k).split()[1]): tuple(str(v).split())
            for k, v in stop.get("abbreviations", {}).items()
            if len(str(k).split()) == 2
        },
        geographic=frozenset(str(w) for w in stop.get("geographic", [])),
        activity=frozenset(str(w) for w in stop.get("activity", [])),
        series=frozenset(str(w) for w in stop.get("series_words", [])),
        family_particles=frozenset(str(w) for w in stop.get("family_particles", [])),
        ordinals={str(k): str(v) for k, v in stop.get("ordinal_words", {}).items()},
        native_titles=frozenset(str(t) for t in titles.get("native_titles", [])),
        theophoric_halves=frozenset(str(w) for w in stop.get("theophoric_halves", [])),
        theophoric_half_spellings=frozenset(
            str(w) for w in stop.get("theophoric_half_spellings", [])
        ),
        geographic_cjk=_with_suffixes(
            stop.get("geographic_cjk", {}), stop.get("geographic_cjk_suffixes", [])
        ),
    )


def _with_suffixes(places: dict[str, str], suffixes: list[str]) -> dict[str, str]:
    return {str(p) + str(s): str(w) for p, w in places.items() for s in ("", *suffixes)}


def _groups(name: str) -> dict[str, frozenset[int]]:
    groups: dict[str, set[int]] = {}
    for idx, group in enumerate(load_data(name)["groups"]):
        for value in group:
            groups.setdefault(str(value).casefold(), set()).add(idx)
    return {value: frozenset(ids) for value, ids in groups.items()}


@cache
def nicknames() -> dict[str, frozenset[int]]:
    """Given name -> the ids of the nickname/variant groups it belongs to."""
    return _groups("nicknames.yaml")


@cache
def nickname_lengths() -> tuple[int, ...]:
    """The length of the full name of each nickname group (listed first), by group id."""
    return tuple(len(str(group[0])) for group in load_data("nicknames.yaml")["groups"])


@cache
def loose_spellings() -> tuple[tuple[str, str, bool], ...]:
    """The loose-key spellings as (from, to, anchored at start), longest first."""
    table = {str(k): str(v) for k, v in load_data("romanisation.yaml")["loose_spellings"].items()}
    keys = sorted(table, key=lambda k: (-len(k.lstrip("^")), k))
    return tuple((k.lstrip("^"), table[k], k.startswith("^")) for k in keys)


@cache
def loose_equal_spellings() -> tuple[tuple[str, str], ...]:
    """Spellings folded when two loose keys are compared for equality only, longest first."""
    table = load_data("romanisation.yaml")["loose_equal_spellings"]
    return tuple(sorted(((str(k), str(v)) for k, v in table.items()), key=lambda kv: -len(kv[0])))


@cache
def country_adjectives() -> dict[str, str]:
    """Adjectives and demonyms of countries ("chinese") -> the country's word ("china")."""
    table = load_data("stopwords.yaml")["country_adjectives"]
    return {str(k): str(v) for k, v in table.items()}


@cache
def country_words() -> frozenset[str]:
    """The words of ``country_adjectives``: the adjectives and the countries' names."""
    table = country_adjectives()
    return frozenset(table) | frozenset(table.values())


@cache
def compass_words() -> dict[str, str]:
    """Words of the compass ("northern") -> their direction ("n")."""
    table = load_data("stopwords.yaml")["compass_words"]
    return {str(k): str(v) for k, v in table.items()}


@cache
def chinese_markers() -> tuple[str, ...]:
    return tuple(str(word) for word in load_data("romanisation.yaml")["chinese_markers"])


@cache
def japanese_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    rules = load_data("romanisation.yaml")["japanese_long_vowels"]
    return tuple((re.compile(pattern), repl) for pattern, repl in rules)


@cache
def skeleton_map() -> dict[int, str]:
    return str.maketrans(dict(load_data("romanisation.yaml")["skeleton_map"]))


@dataclass(frozen=True, slots=True)
class TranscriptionVowels:
    """The vowel classes a transcription in Chinese characters keeps (``romanisation.yaml``)."""

    front: frozenset[str]
    back: frozenset[str]
    neutral_i_after: tuple[str, ...]
    neutral_u_after: tuple[str, ...]


@cache
def transcription_vowels() -> TranscriptionVowels:
    data = load_data("romanisation.yaml")["transcription_vowels"]
    return TranscriptionVowels(
        front=frozenset(str(data["front"])),
        back=frozenset(str(data["back"])),
        neutral_i_after=tuple(str(c) for c in data["neutral_i_after"]),
        neutral_u_after=tuple(str(c) for c in data["neutral_u_after"]),
    )


@dataclass(frozen=True, slots=True)
class TranscriptionClasses:
    """Consonant classes of the romanisation of syllables and of a Latin name
    (``transcription_classes`` in ``romanisation.yaml``): spellings longest first, each with
    its class letters."""

    syllabic: tuple[tuple[str, str], ...]
    #: pinyin: the syllabic classes with pinyin's own
    pinyin: tuple[tuple[str, str], ...]
    latin: tuple[tuple[str, str], ...]


@cache
def transcription_classes() -> TranscriptionClasses:
    data = load_data("romanisation.yaml")["transcription_classes"]

    def ordered(table: dict[str, str]) -> tuple[tuple[str, str], ...]:
        pairs = [(str(k), str(v)) for k, v in table.items()]
        return tuple(sorted(pairs, key=lambda kv: -len(kv[0])))

    syllabic = dict(data["syllabic"])
    return TranscriptionClasses(
        ordered(syllabic),
        ordered({**syllabic, **data["pinyin"]}),
        ordered(data["latin"]),
    )


@cache
def syllabic_map() -> dict[int, str]:
    return str.maketrans(dict(load_data("romanisation.yaml")["syllabic_map"]))


@cache
def sun_letters() -> frozenset[str]:
    """Consonants (of a skeleton) before which the Arabic article's l is spoken as them."""
    return frozenset(str(load_data("romanisation.yaml")["arabic_article"]["sun_letters"]))


@cache
def arabic_article() -> tuple[str, str]:
    """The Arabic definite article and its Latin spelling, written apart when transliterated."""
    spec = load_data("romanisation.yaml")["arabic_article"]
    return str(spec["native"]), str(spec["latin"])


@cache
def arabic_alternatives() -> dict[str, str]:
    """Arabic letters with a second Latin spelling, worth a second reading of the name."""
    return {
        str(k): str(v) for k, v in load_data("romanisation.yaml")["arabic_alternatives"].items()
    }


@cache
def hebrew_alternatives() -> dict[str, str]:
    """Hebrew letters with a second reading in Hebrew writings of Arabic names (kaf: k)."""
    return {
        str(k): str(v) for k, v in load_data("romanisation.yaml")["hebrew_alternatives"].items()
    }


@cache
def hebrew_initial_stops() -> dict[str, str]:
    """Hebrew letters read as stops at the start of a word, with their Latin letter."""
    stops = load_data("romanisation.yaml")["hebrew_initial_stops"]
    return {str(k): str(v) for k, v in stops.items()}


@cache
def hebrew_geresh_readings() -> dict[str, str]:
    """Hebrew letter (written with a geresh) -> the letter that reads as its sound."""
    readings = load_data("romanisation.yaml")["hebrew_geresh_readings"]
    return {str(k): str(v) for k, v in readings.items()}


@cache
def hebrew_geresh_marks() -> str:
    """The characters a geresh is written with (the apostrophe, the Hebrew geresh, a quote)."""
    return str(load_data("romanisation.yaml")["hebrew_geresh_marks"])


@cache
def cyrillic_folded_letters() -> tuple[tuple[str, str], ...]:
    """Letters of a Cyrillic name's transliteration, and the Arabic sound Russian writes so."""
    folds = load_data("romanisation.yaml")["cyrillic_folded_letters"]
    return tuple((str(k), str(v)) for k, v in folds.items())


@cache
def kana_foreign_readings() -> tuple[dict[str, frozenset[str]], tuple[str, str]]:
    """The vowels katakana adds after consonants of a foreign name (vowel -> the consonants it
    follows), and the letter it writes for another (r, l)."""
    data = load_data("romanisation.yaml")["kana_foreign_readings"]
    vowels = {str(k): frozenset(str(v)) for k, v in data["epenthetic"].items()}
    ((written, read),) = ((str(k), str(v)) for k, v in data.items() if k != "epenthetic")
    return vowels, (written, read)


@cache
def spelled_letters() -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """Letters of Arabic and Hebrew script (the k, the ghayn), each with the Latin letters of
    which a spelling of a word written with it writes one."""
    return tuple(
        (frozenset(str(entry["letters"])), frozenset(str(entry["spellings"])))
        for entry in load_data("romanisation.yaml")["spelled_letters"]
    )


@cache
def abjad_initial_vowels() -> frozenset[str]:
    """Letters that start an Arabic or Hebrew word with a vowel, written "a" there."""
    return frozenset(str(load_data("romanisation.yaml")["abjad_initial_vowels"]))


@cache
def ukrainian_letters() -> frozenset[str]:
    """Letters that mark Cyrillic text as Ukrainian (its romanisation is tried too)."""
    return frozenset(str(load_data("romanisation.yaml")["ukrainian_letters"]))


@cache
def word_onsets() -> frozenset[str]:
    """Three consonants that begin words written in Latin letters (``romanisation.yaml``)."""
    return frozenset(str(onset) for onset in load_data("romanisation.yaml")["word_onsets"])


@cache
def romanisations() -> dict[str, frozenset[int]]:
    """Syllable or surname -> the ids of its romanisation-variant groups (Korean, Chinese)."""
    return _groups("romanisation.yaml")


@cache
def wade_giles() -> dict[str, str]:
    """Wade-Giles syllable (without apostrophes) -> pinyin."""
    return {str(k): str(v) for k, v in load_data("romanisation.yaml")["wade_giles"].items()}


@cache
def pinyin_syllables() -> frozenset[str]:
    """Every pinyin syllable, tones dropped."""
    return frozenset(str(s) for s in load_data("romanisation.yaml")["pinyin_syllables"])
