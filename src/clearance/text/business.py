"""Company names in other scripts read in English: their business vocabulary translated.

A company name in Chinese, Japanese, Korean, Russian or Arabic is mostly proper names (places,
the brand), which an English name of the company writes in Latin letters, and business words
("technology", "group", "research institute") and ordinals, which it translates: 长江存储科技 is
"Yangtze Memory Technologies", 中国电子科技集团公司第十三研究所 "China Electronics Technology
Group Corporation 13th Research Institute". :func:`english_readings` finds the terms of
``data/business_terms.yaml`` in the name (the longest first, in scripts written without
spaces; by word stem in Cyrillic; after the article in Arabic), writes each in English and
every other run of the name romanised (pinyin joined as one word, Japanese readings, Hangul
syllables, the Cyrillic and Arabic transliterations), and returns these readings. A Russian,
Belarusian or Ukrainian name written in Latin letters ("BELORUSSKAYA KALIYNAYA KOMPANIYA") is
read the same way by :func:`latin_readings`, its business words found by their Latin stems.
The matcher compiles each reading like a Latin name (:func:`clearance.text.keys.name_forms`).
With the optional Chinese-English dictionary installed (:mod:`clearance.text.dictionary`), a
run of a Chinese name that no term covers is also read with the glosses of its words: "天亮医疗"
is "tianliang medical" and "dawn medical"; the tables' readings stay first.

Pure functions of the text and the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clearance.text.dictionary import chinese_dictionary, gloss_rules, split
from clearance.text.normalize import clean_latin
from clearance.text.scripts import char_script
from clearance.text.tables import BusinessTerms, business_terms
from clearance.text.translit import (
    arabic_word,
    hangul_word,
    japanese_reading,
    latinize,
)

#: readings of one name at most: the first renderings of every term, then the other renderings
#: of its first terms one at a time
MAX_READINGS = 4

#: a segment: the renderings of a term, or a single Latin spelling of anything else
Segment = tuple[str, ...]
#: the other readings of a segment a dictionary gives (:mod:`clearance.text.dictionary`): the
#: run read with the first glosses of its words, then with their second ones; none for a term
Glossed = tuple[str, ...]


def _number(text: str, terms: BusinessTerms) -> int | None:
    """A number in Chinese characters ("十三" 13, "二十九" 29, "七〇七" 707, "一百零八" 108)."""
    digits, units = terms.digits, terms.units
    if any(c not in digits and c not in units for c in text):
        return None
    if not any(c in units for c in text):
        return int("".join(str(digits[c]) for c in text))
    total = current = 0
    for char in text:
        if char in digits:
            current = digits[char]
        else:
            total += (current or 1) * units[char]
            current = 0
    return total + current


def _numeral_run(text: str, start: int, terms: BusinessTerms) -> int:
    end = start
    while end < len(text) and (text[end] in terms.digits or text[end] in terms.units):
        end += 1
    return end


def _romanise(run: str, japanese: bool) -> str:
    """A run of a name that is no term: its Latin spelling as one word."""
    scripts = {char_script(c) for c in run}
    if "Hang" in scripts:
        return hangul_word(run)
    if japanese or "Jpan" in scripts:
        reading = japanese_reading(run)
        if reading:
            return reading
    # pinyin (one syllable a character) and anything else, written as one word
    return "".join(latinize(run).split())


def _term_at(text: str, i: int, terms: BusinessTerms) -> tuple[int, Segment] | None:
    for size in range(min(terms.longest, len(text) - i), 1, -1):
        piece = text[i : i + size]
        found = terms.cjk.get(piece) or terms.hangul.get(piece)
        if found is not None:
            return size, found
    return None


def _glossed(run: str) -> Glossed:
    """A run of a Chinese name that no term covers read with the dictionary's glosses of its
    words (the first of each, then the second), the other characters in pinyin; none when the
    dictionary is not installed or has no word of two characters or more in the run."""
    if len(run) < 2 or any(char_script(c) != "Hani" for c in run):
        return ()
    words = chinese_dictionary()
    if words is None:
        return ()
    pieces = split(run, words, gloss_rules().longest)
    romanised = [_romanise(piece[0], False) for piece in pieces]
    # a gloss that is only the word's own pinyin (a place or brand the dictionary transcribes)
    # says nothing the pinyin reading does not: a reading of such glosses would only cost a form
    read = [
        tuple(g for g in piece[1:] if g.replace(" ", "") != roman)
        for piece, roman in zip(pieces, romanised, strict=True)
    ]
    return tuple(dict.fromkeys(_layers(read, romanised)))


#: a run this long at least may start with a word of ``cjk_prefixes`` or end with one of
#: ``cjk_suffixes`` (the rest is a name)
AFFIXED_RUN = 3


def _run_readings(run: str, roman: str, terms: BusinessTerms) -> Glossed:
    """The other readings of a run of a Chinese name: the dictionary's (``_glossed``), then the
    run read with its first character in English where ``cjk_prefixes`` has it ("新国脉": "new
    guomai"), or its last where ``cjk_suffixes`` has it ("天翼云": "tianyi cloud"), the rest in
    pinyin."""
    readings = [g for g in _glossed(run) if g != roman]
    if len(run) < AFFIXED_RUN or any(char_script(c) != "Hani" for c in run):
        return tuple(readings)
    prefix = terms.cjk_prefixes.get(run[0])
    if prefix is not None:
        rest = _romanise(run[1:], False)
        readings.extend(f"{word} {rest}" for word in prefix)
    suffix = terms.cjk_suffixes.get(run[-1])
    if suffix is not None:
        rest = _romanise(run[:-1], False)
        readings.extend(f"{rest} {word}" for word in suffix)
    return tuple(dict.fromkeys(readings))


def _layers(options: list[tuple[str, ...]], plain: list[str]) -> list[str]:
    """The words read with the first of their ``options``, then with the second, and so on (a
    word with fewer options keeps its last one, a word without any its ``plain`` reading)."""
    return [
        " ".join(
            choices[min(layer, len(choices) - 1)] if choices else word
            for choices, word in zip(options, plain, strict=True)
        )
        for layer in range(max((len(choices) for choices in options), default=0))
    ]


def _unspaced(text: str, japanese: bool) -> tuple[list[Segment], dict[int, Glossed], bool]:
    """Segments of a name in Chinese characters, kana or Hangul, the dictionary's readings of
    each (Chinese only), and whether a term or a dictionary word was found."""
    terms = business_terms()
    segments: list[Segment] = []
    glossed: dict[int, Glossed] = {}
    run: list[str] = []
    found = False

    def flush() -> None:
        nonlocal found
        if run:
            piece = "".join(run)
            roman = _romanise(piece, japanese)
            segments.append((roman,))
            readings = () if japanese else _run_readings(piece, roman, terms)
            if readings:
                glossed[len(segments) - 1] = readings
                found = True
            run.clear()

    i = 0
    while i < len(text):
        char = text[i]
        if char == terms.ordinal_prefix and i + 1 < len(text):
            end = _numeral_run(text, i + 1, terms)
            value = _number(text[i + 1 : end], terms) if end > i + 1 else None
            if value is not None:
                flush()
                segments.append((str(value),))
                found, i = True, end
                continue
        if not char.isalnum():
            flush()
            i += 1
            continue
        if char.isascii():
            end = i
            while end < len(text) and text[end].isascii() and text[end].isalnum():
                end += 1
            flush()
            segments.append((text[i:end],))
            i = end
            continue
        term = _term_at(text, i, terms)
        if term is not None:
            flush()
            size, renderings = term
            piece = text[i : i + size]
            if piece in terms.names:
                # a name is also read as it is romanised, last
                roman = _romanise(piece, japanese)
                if roman not in renderings:
                    renderings = (*renderings, roman)
            segments.append(renderings)
            found, i = True, i + size
            continue
        run.append(char)
        i += 1
    if run and run[-1] in terms.cjk_final and (len(run) > 1 or segments):
        last = run.pop()
        flush()
        segments.append(terms.cjk_final[last])
        found = True
    flush()
    return segments, glossed, found


def _cyrillic(text: str) -> tuple[list[Segment], bool]:
    terms = business_terms()
    segments: list[Segment] = []
    found = False
    for word in text.split():
        word = word.strip("\"'«»„“”()[],.;:")
        if not word:
            continue
        for stem, renderings in terms.cyrillic:
            if word.startswith(stem) and len(word) - len(stem) <= 3:
                segments.append(renderings)
                found = True
                break
        else:
            for ending, nominative in terms.cyrillic_endings:
                if word.endswith(ending) and len(word) > len(ending) + 2:
                    word = word[: -len(ending)] + nominative
                    break
            latin = latinize(word)
            # an acronym of business words (НПП, НИИ) as its Latin letters spell it
            acronym = terms.cyrillic_latin_acronyms.get(latin.lower())
            segments.append(acronym or (latin,))
            found = found or acronym is not None
    return segments, found


def _arabic(text: str) -> tuple[list[Segment], bool]:
    terms = business_terms()
    segments: list[Segment] = []
    found = False
    for word in text.split():
        # (looked up with its letters folded: Persian names write ک and ی for ك and ي)
        folded = word.translate(terms.arabic_folding)
        renderings = terms.arabic.get(folded)
        if renderings is None:
            for prefix in terms.arabic_prefixes:
                if folded.startswith(prefix) and len(folded) - len(prefix) >= 3:
                    renderings = terms.arabic.get(folded[len(prefix) :])
                    if renderings is not None:
                        break
        if renderings is not None:
            segments.append(renderings)
            found = True
        else:
            segments.append((arabic_word(word),))
    return segments, found


@dataclass(frozen=True, slots=True)
class LatinTerm:
    """A business word of Russian, Belarusian or Ukrainian company names written in Latin
    letters: the stems of its words, its English renderings, and whether English writes it
    otherwise (``foreign``): "bank" is written so in both and alone makes no name Russian."""

    stems: tuple[str, ...]
    renderings: tuple[str, ...]
    foreign: bool


#: letters of a word that index the Latin terms (the shortest stem is this long)
LATIN_KEY = 4
#: letters a word of a name may have after a term's stem (case endings: "-ogo", "-aya"), as in
#: Cyrillic: four would read "zavodskoy" (of the plant, a district's name) as "zavod"
LATIN_ENDING = 3


@cache
def _latin_terms() -> dict[str, tuple[LatinTerm, ...]]:
    """The stems of ``cyrillic`` as the transliteration writes them, and the other Latin
    spellings of ``cyrillic_latin`` (BGN/PCGN's "ye", "iy", Belarusian), by their first
    letters, the terms of most words and longest stems first."""
    terms = business_terms()
    spelled = {clean_latin(latinize(stem)): r for stem, r in terms.cyrillic}
    spelled.update((clean_latin(stem), r) for stem, r in terms.cyrillic_latin.items())
    index: dict[str, list[LatinTerm]] = {}
    for stem, renderings in spelled.items():
        stems = tuple(stem.split())
        joined = "".join(stems)
        foreign = not any(r.replace(" ", "").startswith(joined) for r in renderings)
        index.setdefault(stems[0][:LATIN_KEY], []).append(LatinTerm(stems, renderings, foreign))
    return {
        key: tuple(sorted(found, key=lambda t: (-len(t.stems), -len("".join(t.stems)))))
        for key, found in index.items()
    }


def _latin_term_at(
    words: list[str], i: int, index: dict[str, tuple[LatinTerm, ...]]
) -> LatinTerm | None:
    for term in index.get(words[i][:LATIN_KEY], ()):
        if i + len(term.stems) <= len(words) and all(
            word.startswith(stem) and len(word) - len(stem) <= LATIN_ENDING
            for word, stem in zip(words[i : i + len(term.stems)], term.stems, strict=True)
        ):
            return term
    return None


def latin_readings(text: str) -> tuple[str, ...]:
    """The English readings of an organisation name written in Latin letters (``text``
    prepared by ``clean_latin``) that has words of Russian, Belarusian or Ukrainian business
    vocabulary ("kaliynaya kompaniya": "potash company"; "nauchno issledovatelski institut":
    "research institute"), each such word written in English and the others left as they are
    (names: places, brands); none when no word of the name is such a word in a foreign
    spelling."""
    index = _latin_terms()
    acronyms = business_terms().cyrillic_latin_acronyms
    words = text.split()
    if not any(word[:LATIN_KEY] in index or word in acronyms for word in words):
        return ()
    segments: list[Segment] = []
    found = False
    i = 0
    while i < len(words):
        if words[i] in acronyms:
            segments.append(acronyms[words[i]])
            found, i = True, i + 1
            continue
        term = _latin_term_at(words, i, index)
        if term is None:
            segments.append((words[i],))
            i += 1
            continue
        segments.append(term.renderings)
        found = found or term.foreign
        i += len(term.stems)
    return _readings(segments, {}) if found else ()


def _readings(segments: list[Segment], glossed: dict[int, Glossed]) -> tuple[str, ...]:
    """The first renderings of every segment; then, when the dictionary read some runs, those
    runs with their words' first glosses; the other renderings of the terms one at a time; and
    the runs with their words' second glosses, up to ``MAX_READINGS``."""
    first = [segment[0] for segment in segments]
    out = [" ".join(first)]
    layers = _layers([glossed.get(i, ()) for i in range(len(first))], first)
    out.extend(layers[:1])
    for index, segment in enumerate(segments):
        for other in segment[1:]:
            if len(out) >= MAX_READINGS:
                return tuple(out)
            out.append(" ".join([*first[:index], other, *first[index + 1 :]]))
    out.extend(layers[1 : 1 + MAX_READINGS - len(out)])
    return tuple(out)


def japanese_name(text: str) -> bool:
    """A name in kanji that says it is Japanese (kana, or a Japanese legal form)."""
    return any(char_script(c) == "Jpan" for c in text) or any(
        marker in text for marker in business_terms().japanese_markers
    )


def english_readings(text: str, script: str, japanese: bool = False) -> tuple[str, ...]:
    """The English readings of an organisation name (``text`` prepared: NFKC, case folded,
    legal forms written in CJK scripts taken out) in ``script``; none when no term of the
    tables or word of the dictionary occurs in it (a name in Latin letters: see
    :func:`latin_readings`). ``japanese``: romanise kanji with Japanese
    readings (see :func:`japanese_name`, asked of the name before its legal form was taken
    out)."""
    glossed: dict[int, Glossed] = {}
    if script in ("Hani", "Jpan", "Hang"):
        segments, glossed, found = _unspaced(text, japanese or script == "Jpan")
    elif script == "Cyrl":
        segments, found = _cyrillic(text)
    elif script == "Arab":
        segments, found = _arabic(text)
    elif script == "Latn":
        return latin_readings(clean_latin(text))
    else:
        return ()
    return _readings(segments, glossed) if found else ()


@cache
def generic_vocabulary() -> tuple[frozenset[str], frozenset[tuple[str, ...]], tuple[int, ...]]:
    """The generic words of company names, as the business-term tables know them: the English
    words of the terms' renderings ("technology", "group"), and the terms of Chinese and
    Japanese names romanised, as runs of two syllables or more ("ke ji" for 科技, "ji tuan" for
    集团; a single syllable is too often a name's own). Places and the names of
    ``cjk_names`` are no such words. Also the lengths of those runs, longest first."""
    terms = business_terms()
    runs = frozenset(
        run for term in terms.generic_cjk if len(run := tuple(latinize(term).split())) >= 2
    )
    return terms.words, runs, tuple(sorted({len(run) for run in runs}, reverse=True))


def generic_positions(toks: tuple[str, ...]) -> tuple[bool, ...]:
    """Which tokens of a name's form are generic words (:func:`generic_vocabulary`): a word of
    the terms' English, or a syllable inside a run that romanises a term."""
    words, runs, sizes = generic_vocabulary()
    out = [t in words for t in toks]
    for size in sizes:
        for start in range(len(toks) - size + 1):
            if toks[start : start + size] in runs:
                out[start : start + size] = [True] * size
    return tuple(out)
