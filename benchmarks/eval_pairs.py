"""Labelled name pairs for evaluating the matcher, built from the public data in shared/data.

Every builder is a pure function of the files it reads and returns :class:`Pair` values:

- ``translit_pairs``: Wikidata transliteration pairs (Arabic, Chinese, Russian, Korean,
  Japanese, Hebrew) and Google's Arabic-to-English pairs: positives (native vs Latin);
- ``cross_script_pairs``: eval/cross_script_pairs.csv: positives;
- ``negative_people``: the synthetic people of eval/negatives_*_1k.csv, each against the most
  similar person name on the OFAC SDN list: negatives (they are on no list);
- ``sdn_pairs``: OFAC SDN (2023-12-28): each entity's primary name against its own strong
  aliases (positives) and against the most similar name of another entity (hard negatives);
- ``synthetic_pairs``: variants of SDN names (typos, reordering, dropped middle names,
  initials) as positives, and near misses (another given name with the same surname, another
  distinctive word among the same generic words) as negatives.

Sampling is deterministic (a seeded ``random.Random``), so figures are reproducible.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from clearance.text.keys import name_keys
from clearance.text.tables import vocabulary

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
EVAL = SHARED / "eval"
SDN = SHARED / "ofac" / "sdn-2023-12-28"
WD_LANGS = ("arabic", "chinese", "russian", "korean", "japanese", "hebrew")
SDN_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


@dataclass(frozen=True, slots=True)
class Pair:
    name1: str
    name2: str
    schema: str
    label: bool
    group: str


def translit_pairs(per_file: int = 150, seed: int = 7) -> list[Pair]:
    rng = random.Random(seed)
    out: list[Pair] = []
    for lang in WD_LANGS:
        rows = []
        with open(EVAL / "translit" / f"wd_{lang}_16", encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[0] and parts[1]:
                    rows.append((parts[0], parts[1].replace(" ", "")))
        for latin, native in rng.sample(rows, min(per_file, len(rows))):
            out.append(Pair(native, latin, "Person", True, f"translit-{lang}"))
    rows = []
    with open(EVAL / "translit" / "google_ar2en_test.txt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                rows.append((parts[0], parts[1]))
    for native, latin in rng.sample(rows, min(per_file, len(rows))):
        out.append(Pair(native, latin, "Person", True, "translit-google-ar"))
    return out


def cross_script_pairs() -> list[Pair]:
    out: list[Pair] = []
    with open(EVAL / "cross_script_pairs.csv", encoding="utf-8") as handle:
        lines = [ln for ln in handle if ln.strip() and not ln.startswith("#")]
    for row in csv.reader(lines):
        if len(row) >= 2:
            out.append(Pair(row[0], row[1], "Person", True, "cross-script"))
    return out


def _sdn_rows() -> tuple[dict[str, tuple[str, str]], dict[str, list[tuple[str, str]]]]:
    entities: dict[str, tuple[str, str]] = {}
    with open(SDN / "sdn.csv", encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) > 3 and row[0].strip().isdigit():
                kind = row[2].strip().strip("-0").strip()
                entities[row[0].strip()] = (row[1].strip(), kind)
    aliases: dict[str, list[tuple[str, str]]] = {}
    with open(SDN / "alt.csv", encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) > 3 and row[0].strip() in entities:
                aliases.setdefault(row[0].strip(), []).append((row[2].strip(), row[3].strip()))
    return entities, aliases


def _schema(kind: str, name: str) -> str:
    if kind in SDN_SCHEMA:
        return SDN_SCHEMA[kind]
    return "Company" if _has_legal_form(name) else "Organization"


def _has_legal_form(name: str) -> bool:
    return bool(name_keys(name, "Company").legal_forms)


def sdn_pairs(entities_sample: int = 1200, seed: int = 11) -> list[Pair]:
    entities, aliases = _sdn_rows()
    rng = random.Random(seed)
    ids = sorted(entities)
    all_names: list[str] = []
    owner: list[str] = []
    for eid in ids:
        for name in [entities[eid][0], *(a for _, a in aliases.get(eid, []))]:
            all_names.append(name)
            owner.append(eid)
    sample = rng.sample(ids, min(entities_sample, len(ids)))
    out: list[Pair] = []
    for eid in sample:
        name, kind = entities[eid]
        schema = _schema(kind, name)
        for alt_type, alias in aliases.get(eid, []):
            if alt_type.lower() in ("aka", "fka", "nka") and alias != name:
                out.append(Pair(name, alias, schema, True, f"sdn-alias-{schema}"))
        best = _nearest_other(name, eid, all_names, owner)
        if best is not None:
            out.append(Pair(name, best, schema, False, f"sdn-nearest-{schema}"))
    return out


def _nearest_other(name: str, eid: str, names: list[str], owner: list[str]) -> str | None:
    hits = process.extract(name, names, scorer=fuzz.token_sort_ratio, limit=8)
    for _, _, idx in hits:
        if owner[idx] != eid:
            return names[idx]
    return None


def negative_people(per_file: int = 300, seed: int = 5) -> list[Pair]:
    entities, aliases = _sdn_rows()
    people = [n for eid, (n, k) in entities.items() if k == "individual"]
    people += [
        a for eid, (n, k) in entities.items() if k == "individual" for _, a in aliases.get(eid, [])
    ]
    rng = random.Random(seed)
    out: list[Pair] = []
    for region in ("global", "us"):
        with open(EVAL / f"negatives_{region}_1k.csv", encoding="utf-8", newline="") as handle:
            rows = [r["full_name"] for r in csv.DictReader(handle) if r.get("full_name")]
        for full in rng.sample(rows, min(per_file, len(rows))):
            hit = process.extractOne(full, people, scorer=fuzz.token_sort_ratio)
            if hit is not None:
                out.append(Pair(full, hit[0], "Person", False, f"negatives-{region}"))
    return out


def all_pairs(small: bool = False) -> list[Pair]:
    scale = 4 if small else 1
    return [
        *translit_pairs(per_file=150 // scale),
        *cross_script_pairs(),
        *negative_people(per_file=300 // scale),
        *sdn_pairs(entities_sample=1200 // scale),
        *synthetic_pairs(per_kind=200 // scale),
    ]


def iter_groups(pairs: list[Pair]) -> Iterator[str]:
    yield from sorted({p.group for p in pairs})


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def synthetic_pairs(per_kind: int = 200, seed: int = 3) -> list[Pair]:
    """Variants of real SDN names: typos, reordering, dropped middle names and initials
    (positives); another given name with the same surname, or another distinctive word with
    the same generic words, for people and companies (near-miss negatives)."""
    entities, _ = _sdn_rows()
    rng = random.Random(seed)
    people = []
    for name, kind in entities.values():
        if kind == "individual" and ", " in name:
            surname, given = name.split(", ", 1)
            if given.strip() and surname.strip():
                people.append((surname.strip(), given.split()))
    orgs = [n for n, k in entities.values() if k not in SDN_SCHEMA and len(n.split()) >= 2]
    givens = [g[0] for _, g in people if len(g[0]) > 2]
    out: list[Pair] = []
    for surname, given in rng.sample(people, per_kind):
        full = f"{surname}, {' '.join(given)}"
        words = [*given, surname]
        long = [i for i, w in enumerate(words) if len(w) >= 5]
        if long:
            i = rng.choice(long)
            typo = [*words[:i], _typo(words[i], rng), *words[i + 1 :]]
            out.append(Pair(full, " ".join(typo), "Person", True, "synthetic-typo-Person"))
        out.append(Pair(full, " ".join(words), "Person", True, "synthetic-reorder-Person"))
        if len(given) >= 2:
            out.append(
                Pair(full, f"{given[0]} {surname}", "Person", True, "synthetic-middle-Person")
            )
        out.append(
            Pair(full, f"{given[0][0]}. {surname}", "Person", True, "synthetic-initial-Person")
        )
        other = rng.choice(givens)
        if other.lower() != given[0].lower() and not other.lower().startswith(given[0][:3].lower()):
            near = f"{other} {' '.join(given[1:])} {surname}".replace("  ", " ")
            out.append(Pair(full, near, "Person", False, "synthetic-othergiven-Person"))
    generic = _generic_words()
    for name in rng.sample(orgs, per_kind):
        words = name.replace(",", " ").split()
        long = [i for i, w in enumerate(words) if len(w) >= 5 and w.lower() not in generic]
        if not long:
            continue
        i = rng.choice(long)
        typo = [*words[:i], _typo(words[i], rng), *words[i + 1 :]]
        schema = _schema("", name)
        out.append(Pair(name, " ".join(typo), schema, True, f"synthetic-typo-{schema}"))
        donor = rng.choice(orgs).replace(",", " ").split()
        donor_words = [w for w in donor if len(w) >= 5 and w.lower() not in generic]
        if donor_words and donor_words[0].lower() not in name.lower():
            swapped = [*words[:i], donor_words[0], *words[i + 1 :]]
            if all(w.lower() in generic or len(w) < 5 for j, w in enumerate(words) if j != i):
                out.append(
                    Pair(name, " ".join(swapped), schema, False, f"synthetic-otherword-{schema}")
                )
    return out


def _generic_words() -> frozenset[str]:
    vocab = vocabulary()
    return vocab.generic | vocab.drop
