"""Listed people's Latin names written in other scripts, for the cross-script candidate-recall
benchmark (``bench_screen_recall.py --cross-script``).

Most listed people are listed in Latin only; a customer file written in another script holds
their names in that script. This module writes a listed Latin name in Arabic, Hebrew,
Cyrillic, Chinese, Japanese and Korean script, word by word or syllable by syllable, from
public tables and from the lists themselves:

* the Wikidata transliteration pairs in ../shared/data/eval/translit (foreign names: each
  Latin word's most frequent spelling in the script);
* the people the lists publish in two scripts (the UN's Arabic names, the Ukrainian list's
  Cyrillic ones), word for word where both names have as many words;
* Hebrew from those Arabic words, letter for letter (as Hebrew writes Arabic names);
* Chinese from pinyin syllables (a character with that one reading, from pypinyin's table),
  family name first, written together;
* Korean from romanised syllables (the Hangul syllable that Revised Romanisation spells so,
  or a spelling of the same syllable in another system from the matcher's romanisation
  groups), written together.

The writings are noisy (a word read wrong, two names of a person ordered otherwise): the
benchmark counts only the queries the scorer passes against the entity they were made from.
"""

from __future__ import annotations

import random
from collections import Counter
from functools import cache
from pathlib import Path

from anyascii import anyascii
from pypinyin import Style, pinyin_dict
from pypinyin.style import convert as pinyin_style

from clearance.model import Entity
from clearance.text.scripts import detect_script
from clearance.text.tables import romanisations

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

#: the Wikidata tables: language -> (script, how the words of a foreign name are joined)
WIKIDATA = {
    "arabic": ("Arab", " "), "hebrew": ("Hebr", " "), "russian": ("Cyrl", " "),
    "chinese": ("Hani", "·"), "japanese": ("Jpan", "・"), "korean": ("Hang", " "),
}  # fmt: skip

#: Arabic letters -> the Hebrew letters Hebrew writes Arabic names with (a geresh marks the
#: Arabic sounds Hebrew lacks: ج ج', خ ח', غ ע', ض צ', ذ ד', ظ ט', ث ת')
ARABIC_HEBREW = {
    "ا": "א", "أ": "א", "إ": "א", "آ": "א", "ء": "א", "ب": "ב", "ت": "ת", "ث": "ת'",
    "ج": "ג'", "ح": "ח", "خ": "ח'", "د": "ד", "ذ": "ד'", "ر": "ר", "ز": "ז", "س": "ס",
    "ش": "ש", "ص": "צ", "ض": "צ'", "ط": "ט", "ظ": "ט'", "ع": "ע", "غ": "ע'", "ف": "פ",
    "ق": "ק", "ك": "כ", "ک": "כ", "ل": "ל", "م": "מ", "ن": "נ", "ه": "ה", "ة": "ה",
    "و": "ו", "ؤ": "ו", "ي": "י", "ی": "י", "ى": "י", "ئ": "י", "پ": "פ", "چ": "צ'",
    "گ": "ג", "ژ": "ז'",
}  # fmt: skip
#: Hebrew letters written in their final form at the end of a word
FINAL_FORMS = {"כ": "ך", "מ": "ם", "נ": "ן", "פ": "ף", "צ": "ץ"}

Written = tuple[str, str]  # a name in another script, the id of the listed entity


def words_of(value: str) -> list[str]:
    """The words of a person's name, given names first (a comma's order undone)."""
    if "," in value:
        family, _, given = value.partition(",")
        value = f"{given} {family}"
    return value.lower().replace("-", " ").split()


def _family_first(value: str) -> list[str]:
    """The words of a name, family name first (as Chinese and Korean names are written)."""
    if "," in value:
        family, _, given = value.partition(",")
        value = f"{family} {given}"
    return value.lower().replace("-", " ").split()


def wikidata_words(lang: str) -> dict[str, str]:
    """Latin word -> its most frequent spelling in the language's script."""
    best: dict[str, tuple[int, str]] = {}
    with open(SHARED / "eval" / "translit" / f"wd_{lang}_16", encoding="utf-8") as handle:
        for line in handle:
            row = line.rstrip("\n").split("\t")
            if len(row) < 3 or not row[1].strip():
                continue
            latin, native = row[0].lower(), row[1].replace(" ", "")
            count = int(row[2]) if row[2].isdigit() else 0
            if count > best.get(latin, (-1, ""))[0]:
                best[latin] = (count, native)
    return {latin: native for latin, (_, native) in best.items()}


def listed_words(entities: list[Entity]) -> dict[str, dict[str, str]]:
    """Script -> Latin word -> its spelling, from the people the lists publish in both."""
    counts: dict[str, dict[str, Counter[str]]] = {}
    for entity in entities:
        if entity.schema != "Person":
            continue
        latin = [words_of(n.value) for n in entity.names if n.value.isascii()]
        for name in entity.names:
            script = detect_script(name.value)
            if script in ("Latn", "") or name.value.isascii():
                continue
            native = name.value.replace(",", " ").split()
            for words in latin:
                if len(words) == len(native) and all(w.isalpha() for w in words):
                    by_word = counts.setdefault(script, {})
                    for word, spelled in zip(words, native, strict=True):
                        by_word.setdefault(word, Counter())[spelled] += 1
    return {
        script: {w: seen.most_common(1)[0][0] for w, seen in by_word.items()}
        for script, by_word in counts.items()
    }


def hebrew_of_arabic(word: str) -> str | None:
    """An Arabic word in Hebrew letters (None when a letter has no Hebrew one)."""
    letters = [ARABIC_HEBREW.get(c) for c in word if not "\u064b" <= c <= "\u0652"]
    if not letters or any(c is None for c in letters):
        return None
    out = "".join(c for c in letters if c is not None)
    last = out.rstrip("'")[-1]
    if last in FINAL_FORMS:
        cut = out.rstrip("'")
        out = cut[:-1] + FINAL_FORMS[last] + out[len(cut) :]
    return out


@cache
def pinyin_characters() -> dict[str, str]:
    """Toneless pinyin syllable -> a common character with that reading only."""
    out: dict[str, str] = {}
    for code, readings in sorted(pinyin_dict.pinyin_dict.items()):
        if not 0x4E00 <= code <= 0x9FFF or "," in readings:
            continue
        syllable = pinyin_style(readings, Style.NORMAL, strict=True).replace("ü", "v")
        out.setdefault(syllable, chr(code))
    return out


@cache
def hangul_syllables() -> dict[str, str]:
    """Romanised syllable -> the Hangul syllable: Revised Romanisation's spelling, and the
    other spellings of the matcher's romanisation groups (Kim, Ri, Pak, Chol...)."""
    out: dict[str, str] = {}
    for code in range(0xAC00, 0xD7A4):
        out.setdefault(anyascii(chr(code)).lower(), chr(code))
    groups: dict[int, list[str]] = {}
    for spelling, ids in sorted(romanisations().items()):
        for gid in ids:
            groups.setdefault(gid, []).append(spelling)
    for group in groups.values():
        native = next((out[s] for s in group if s in out), None)
        if native is not None:
            for spelling in group:
                out.setdefault(spelling, native)
    return out


def _syllables(words: list[str], table: dict[str, str]) -> str | None:
    """The words written syllable by syllable (None unless every word is one or two
    syllables of the table, split at the first place that gives two)."""
    out: list[str] = []
    for word in words:
        if word in table:
            out.append(table[word])
            continue
        split = next(
            (
                (word[:k], word[k:])
                for k in range(1, len(word))
                if word[:k] in table and word[k:] in table
            ),
            None,
        )
        if split is None:
            return None
        out.extend(table[s] for s in split)
    return "".join(out)


def _latin_only_people(entities: list[Entity]) -> list[tuple[str, str]]:
    """(primary name, entity id) of the people the lists name in Latin only (a person they
    also name in another script is found by that name)."""
    out: list[tuple[str, str]] = []
    for entity in entities:
        if entity.schema != "Person" or not all(n.value.isascii() for n in entity.names):
            continue
        name = next((n.value for n in entity.names if n.kind == "name"), "")
        if name:
            out.append((name, entity.id))
    return out


def written_names(entities: list[Entity], per_script: int, seed: int) -> list[Written]:
    """Up to ``per_script`` listed people's names written in each of the six scripts."""
    rng = random.Random(seed)
    people = _latin_only_people(entities)
    listed = listed_words(entities)
    hebrew_listed = {
        w: h for w, a in listed.get("Arab", {}).items() if (h := hebrew_of_arabic(a)) is not None
    }
    out: list[Written] = []
    for lang, (script, joiner) in WIKIDATA.items():
        table = wikidata_words(lang) | listed.get(script, {})
        if script == "Hebr":
            table = hebrew_listed | table
        written: list[Written] = []
        for name, target in people:
            words = words_of(name)
            if not 2 <= len(words) <= 4 or not all(w.isalpha() for w in words):
                continue
            text: str | None = None
            if script == "Hani":
                text = _syllables(_family_first(name), pinyin_characters())
            elif script == "Hang":
                text = _syllables(_family_first(name), hangul_syllables())
            if text is None and all(w in table for w in words):
                text = joiner.join(table[w] for w in words)
            if text:
                written.append((text, target))
        out.extend(rng.sample(written, min(per_script, len(written))))
    return out
