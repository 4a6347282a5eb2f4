"""Evaluation material shared by the screening quality tests and benchmarks.

Perturbed queries are derived from listed people (one seeded variation each: a typo, swapped
order, a dropped middle name, a joined or hyphenated pair, a vowel change as transliterations
differ); unlisted people come from ``eval/negatives_*_1k.csv``; companies from
``fixtures/screening/company_cases.csv``.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

from rigour.territories import lookup_territory

from clearance.model import Entity, Query

CASES = Path(__file__).resolve().parent / "fixtures" / "screening" / "company_cases.csv"
_VOWELS = "aeiou"


def _typo(tokens: list[str], rng: random.Random) -> list[str]:
    long = [i for i, t in enumerate(tokens) if len(t) >= 5] or list(range(len(tokens)))
    i = rng.choice(long)
    tok = tokens[i]
    if len(tok) < 3:
        return tokens
    pos = rng.randrange(1, len(tok) - 1)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        tok = tok[: pos - 1] + tok[pos] + tok[pos - 1] + tok[pos + 1 :]
    elif kind == "drop":
        tok = tok[:pos] + tok[pos + 1 :]
    else:
        tok = tok[:pos] + tok[pos] + tok[pos:]
    return [*tokens[:i], tok, *tokens[i + 1 :]]


def _vowel(tokens: list[str], rng: random.Random) -> list[str]:
    spots = [(i, j) for i, t in enumerate(tokens) for j, c in enumerate(t) if c.lower() in _VOWELS]
    if not spots:
        return tokens
    i, j = rng.choice(spots)
    tok = tokens[i]
    new = rng.choice([v for v in _VOWELS if v != tok[j].lower()])
    return [*tokens[:i], tok[:j] + new + tok[j + 1 :], *tokens[i + 1 :]]


def perturb(name: str, rng: random.Random) -> tuple[str, str]:
    """One seeded variation of a name, and what it was."""
    tokens = name.split()
    kind = rng.choice(("typo", "reorder", "drop", "join", "hyphen", "vowel", "lower"))
    if kind == "reorder" and len(tokens) >= 2:
        tokens = [tokens[-1] + ",", *tokens[:-1]]
    elif kind == "drop" and len(tokens) >= 3:
        del tokens[rng.randrange(1, len(tokens) - 1)]
    elif kind in ("join", "hyphen") and len(tokens) >= 2:
        i = rng.randrange(len(tokens) - 1)
        glue = "" if kind == "join" else "-"
        tokens = [*tokens[:i], tokens[i] + glue + tokens[i + 1], *tokens[i + 2 :]]
    elif kind == "vowel":
        tokens = _vowel(tokens, rng)
    elif kind == "lower":
        tokens = [t.lower() for t in tokens]
    else:
        kind = "typo"
        tokens = _typo(tokens, rng)
    return " ".join(tokens), kind


def listed_person_queries(
    entities: list[Entity], seed: int = 11
) -> Iterator[tuple[Query, str, str]]:
    """(query, expected entity id, variation) for each listed person with a Latin name."""
    rng = random.Random(seed)
    for entity in entities:
        if entity.schema != "Person":
            continue
        latin = [n.value for n in entity.names if n.kind == "name" and n.script in ("Latn", "")]
        if not latin:
            continue
        name, kind = perturb(latin[0], rng)
        births = entity.get("birthDate")
        countries = entity.get("nationality") or entity.get("country")
        query = Query(
            name=name,
            schema="Person",
            birth_date=births[0][:4] if births else "",
            country=tuple(countries[:1]),
        )
        yield query, entity.id, kind


def country_code(value: str) -> tuple[str, ...]:
    territory = lookup_territory(value) if value else None
    return (territory.code,) if territory is not None and len(territory.code) == 2 else ()


def negative_queries(path: Path) -> Iterator[Query]:
    """Unlisted people with birth date, nationality and gender."""
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield Query(
                name=row["full_name"],
                schema="Person",
                birth_date=row["date_of_birth"],
                country=country_code(row["nationality"]),
                gender=row["gender"],
            )


def company_cases() -> list[dict[str, str]]:
    with CASES.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
