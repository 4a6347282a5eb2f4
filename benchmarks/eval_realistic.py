"""A labelled set of name pairs shaped like a screening review sample (seeded, ~800 pairs).

    python benchmarks/eval_realistic.py [--errors N] [--csv OUT] [--profile P]

Positives are listed names (OFAC SDN 2023-12-28, DoD 1260H, BIS MIEU, PRC counter-sanctions)
against the way a client file writes them: one or two typos, dropped or doubled letters,
transpositions, "SURNAME, Given" against "Given Surname", initials, a missing middle name,
another or a translated legal form, a nickname, another romanisation (Arabic, Russian,
Chinese), a subsidiary that adds a country word and a legal form. Negatives are near misses:
the same surname with another given name, the same given name with another surname, companies
sharing only generic words, another number, the listed brand with another activity word
("X" against "X Oil": a different company in sanctions practice), a surname alone against a
full name. The variant tables below are written independently of the matcher's data files.
Prints precision, recall and F1 per schema at the profile's threshold and the errors.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_matching import Counts, clearance_scorer
from clearance.text.keys import name_keys
from eval_pairs import SHARED, Pair, _sdn_rows

ARABIC_VARIANTS = [
    ["mohammed", "muhammad", "mohamad", "mohammad", "muhammed", "mohamed"],
    ["ahmed", "ahmad"],
    ["abdul rahman", "abdurrahman", "abd al rahman", "abdel rahman"],
    ["abdullah", "abdallah", "abd allah"],
    ["hussein", "husain", "hussain", "husayn"],
    ["hassan", "hasan"],
    ["mahmoud", "mahmud", "mahmood"],
    ["yousef", "yusuf", "youssef", "yusif"],
    ["khalid", "khaled"],
    ["omar", "umar"],
    ["osama", "usama"],
    ["ali", "aly"],
    ["saleh", "salih", "salah"],
    ["ibrahim", "ebrahim"],
    ["abdulaziz", "abdel aziz", "abd al aziz"],
    ["mustafa", "mostafa", "moustafa"],
    ["said", "saeed", "sayed"],
    ["jamal", "gamal"],
    ["nasser", "nasir", "naser"],
    ["qasim", "kassem", "qassem", "kasim"],
    ["al", "el"],
]
RUSSIAN_RULES = [
    ("kh", "h"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("iy", "y"),
    ("yev", "ev"),
    ("zh", "j"),
    ("ts", "tz"),
    ("ei", "ey"),
    ("shch", "sch"),
    ("ov", "off"),
]
LEGAL_FORMS = [
    "Co., Ltd.",
    "Company Limited",
    "Limited",
    "LLC",
    "OOO",
    "ООО",
    "GmbH",
    "S.A.",
    "Inc.",
    "Corporation",
    "Corp.",
    "JSC",
    "有限公司",
    "Ltd",
    "AO",
    "PJSC",
    "SA de CV",
]
COUNTRY_WORDS = [
    "USA",
    "America",
    "Deutschland",
    "UK",
    "(Hong Kong)",
    "International",
    "Europe",
    "Americas",
    "Japan",
    "India",
    "Middle East",
    "Singapore",
]
ACTIVITY_WORDS = [
    "Oil",
    "Neft",
    "Shipping",
    "Bank",
    "Energy",
    "Leasing",
    "Insurance",
    "Logistics",
    "Capital",
    "Telecom",
    "Mining",
    "Pharma",
    "Media",
]
GENERIC_HEADS = ["China National", "National Iranian", "General", "United", "Federal"]
GENERIC_TAILS = ["Corporation", "Company", "Trading Co", "Industrial Group", "Holding"]
LEGAL_RE = re.compile(
    r"(,?\s*(co\.?,?\s*ltd\.?|company limited|limited|ltd\.?|llc|l\.l\.c\.|inc\.?|"
    r"corporation|corp\.?|gmbh|s\.a\.? de c\.v\.?|s\.a\.?|jsc|ojsc|pjsc|cjsc|ooo|zao|oao|"
    r"fze|fzco|plc|"
    r"llp|co\.?))+\s*$",
    re.I,
)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def typos(name: str, rng: random.Random, count: int) -> str:
    words = name.split()
    for _ in range(count):
        long = [i for i, w in enumerate(words) if len(w) >= 5]
        if not long:
            break
        i = rng.choice(long)
        words[i] = typo(words[i], rng)
    return " ".join(words)


def _people(entities: dict[str, tuple[str, str]]) -> list[tuple[str, list[str]]]:
    out = []
    for name, kind in entities.values():
        if kind == "individual" and ", " in name:
            surname, given = name.split(", ", 1)
            given_words = [w for w in given.split() if w.isalpha()]
            if given_words and surname.strip().replace(" ", "").isalpha():
                out.append((surname.strip().title(), [w.title() for w in given_words]))
    return out


def _brand(name: str) -> str:
    return LEGAL_RE.sub("", name).strip(" ,")


def _nicknames() -> list[list[str]]:
    import yaml  # the project's nickname groups are the realistic source of nicknames

    path = Path(__file__).resolve().parent.parent / "src/clearance/data/nicknames.yaml"
    return [list(map(str, g)) for g in yaml.safe_load(path.read_text())["groups"]]


def _swap_variant(words: list[str], table: list[list[str]], rng: random.Random) -> str | None:
    text = " ".join(words).lower()
    hits = [g for g in table if any(re.search(rf"\b{re.escape(v)}\b", text) for v in g)]
    if not hits:
        return None
    group = rng.choice(hits)
    found = next(v for v in group if re.search(rf"\b{re.escape(v)}\b", text))
    other = rng.choice([v for v in group if v != found])
    return re.sub(rf"\b{re.escape(found)}\b", other, text, count=1).title()


def person_pairs(rng: random.Random, n: int) -> list[Pair]:
    entities, _ = _sdn_rows()
    people = _people(entities)
    arabic = [p for p in people if _swap_variant([*p[1], p[0]], ARABIC_VARIANTS, rng)]
    nick = _nicknames()
    out: list[Pair] = []
    givens = [g[0] for _, g in people]
    surnames = [s for s, _ in people]
    for surname, given in rng.sample(people, n):
        listed = f"{surname.upper()}, {' '.join(given)}"
        full = " ".join([*given, surname])
        kind = rng.randrange(10)

        def P(q: str, lab: bool, grp: str, listed: str = listed) -> None:
            out.append(Pair(listed, q, "Person", lab, grp))

        if kind == 0:
            P(typos(full, rng, 1), True, "typo1")
        elif kind == 1:
            P(typos(full, rng, 2), True, "typo2")
        elif kind == 2:
            P(
                f"{surname}, {' '.join(given)}" if rng.random() < 0.5 else full.upper(),
                True,
                "reorder",
            )
        elif kind == 3:
            P(" ".join([f"{g[0]}." for g in given] + [surname]), True, "initials")
        elif kind == 4 and len(given) >= 2:
            P(f"{given[0]} {surname}", True, "middle")
        elif kind == 5:
            other = rng.choice(givens)
            if other.lower()[:3] != given[0].lower()[:3]:
                P(f"{other} {surname}", False, "other-given")
        elif kind == 6:
            other = rng.choice(surnames)
            if other.lower() != surname.lower():
                P(f"{' '.join(given)} {other}", False, "other-surname")
        elif kind == 7:
            P(surname, False, "surname-only")
        elif kind == 8:
            s2 = typos(surname, rng, 2)
            g2 = rng.choice(givens)
            if g2.lower()[:3] != given[0].lower()[:3]:
                P(f"{g2} {s2}", False, "sounds-alike")
        else:
            low = full.lower()
            for a, b in rng.sample(RUSSIAN_RULES, len(RUSSIAN_RULES)):
                if a in low:
                    P(low.replace(a, b, 1).title(), True, "translit-ru")
                    break
    for surname, given in rng.sample(arabic, n // 5):
        listed = f"{surname.upper()}, {' '.join(given)}"
        variant = _swap_variant([*given, surname], ARABIC_VARIANTS, rng)
        out.append(Pair(listed, variant or "", "Person", True, "translit-ar"))
    nicked = [(s, g) for s, g in people if any(g[0].lower() in grp for grp in nick)]
    western = [
        ("Smith", ["William"]),
        ("Johnson", ["Robert", "James"]),
        ("Miller", ["Katherine"]),
        ("Brown", ["Alexander"]),
        ("Petrov", ["Vladimir"]),
        ("Ivanov", ["Dmitry"]),
        ("Novak", ["Thomas"]),
        ("Garcia", ["Richard"]),
        ("Wilson", ["Elizabeth"]),
    ]
    for surname, given in rng.sample(nicked + western * 3, min(n // 8, len(nicked))):
        group = next(grp for grp in nick if given[0].lower() in grp)
        other = rng.choice([v for v in group if v != given[0].lower()]).title()
        out.append(
            Pair(
                f"{surname.upper()}, {' '.join(given)}",
                f"{other} {surname}",
                "Person",
                True,
                "nickname",
            )
        )
    pinyin = [
        ("Xi", "Jinping"),
        ("Li", "Keqiang"),
        ("Wang", "Yi"),
        ("Zhang", "Xiaoming"),
        ("Liu", "Hongwei"),
        ("Chen", "Guangcheng"),
        ("Zhou", "Yongkang"),
        ("Deng", "Xiaoping"),
        ("Huang", "Jianguo"),
        ("Sun", "Zhengcai"),
    ]
    for surname, given in pinyin:
        split = re.sub(r"([^aeiou]*[aeiou]+(?:ng|n)?)(?=[^aeiou])", r"\1 ", given, count=1)
        out.append(
            Pair(
                f"{surname} {given}",
                f"{surname} {split.strip().replace(' ', '-')}",
                "Person",
                True,
                "pinyin-split",
            )
        )
        out.append(
            Pair(
                f"{surname.upper()}, {given}", f"{given} {surname}", "Person", True, "pinyin-order"
            )
        )
    for old, new in [
        ("Mao Tse-tung", "Mao Zedong"),
        ("Chiang Kai-shek", "Jiang Jieshi"),
        ("Teng Hsiao-ping", "Deng Xiaoping"),
        ("Chou En-lai", "Zhou Enlai"),
    ]:
        out.append(Pair(new, old, "Person", True, "wade-giles"))
    return [p for p in out if p.name2]


def company_pairs(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Listed organisation names and the schema they are read as."""
    entities, _ = _sdn_rows()
    names = [
        (name, "Company" if name_keys(name, "Company").legal_forms else "Organization")
        for name, kind in entities.values()
        if not kind
    ]
    for path, col in (
        ("us-statutory/dod-1260h.csv", "Clean Name"),
        ("us-statutory/bis-mieu.csv", "Name"),
        ("cn/prc-countersanctions.csv", "Name"),
    ):
        with open(SHARED / path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                value = (row.get(col) or "").strip()
                if value:
                    forms = name_keys(value, "Company").legal_forms
                    names.append((value, "Company" if forms else "Organization"))
    return names


def org_pairs(rng: random.Random, n: int) -> list[Pair]:
    names = company_pairs(rng, n)
    out: list[Pair] = []
    brands = [b for b in (_brand(x) for x, s in names if s == "Company") if 3 <= len(b) <= 40]
    for name, schema in rng.sample(names, n):
        brand = _brand(name)
        kind = rng.randrange(8)

        def P(q: str, lab: bool, grp: str, name: str = name, schema: str = schema) -> None:
            out.append(Pair(name, q, schema, lab, grp))

        if not brand or len(brand) < 3:
            continue
        if kind == 0:
            P(typos(name, rng, 1), True, "typo1")
        elif kind == 1:
            P(typos(name, rng, 2), True, "typo2")
        elif kind == 2:
            P(f"{brand} {rng.choice(LEGAL_FORMS)}", True, "legal-form")
        elif kind == 3:
            P(brand.upper() if rng.random() < 0.5 else brand.title(), True, "legal-form-dropped")
        elif kind == 4 and schema == "Company":
            P(
                f"{brand} {rng.choice(COUNTRY_WORDS)} {rng.choice(LEGAL_FORMS)}",
                True,
                "subsidiary-country",
            )
        elif kind == 5:
            short = brand.split()[0] if len(brand.split()) <= 2 else " ".join(brand.split()[:2])
            if len(short) >= 4:
                P(f"{short} {rng.choice(ACTIVITY_WORDS)}", False, "brand-activity")
        elif kind == 6:
            other = rng.choice(brands)
            if other.lower() != brand.lower():
                P(other + " " + rng.choice(LEGAL_FORMS), False, "other-company")
        else:
            numbers = re.findall(r"\d+", name)
            if numbers:
                P(name.replace(numbers[0], str(int(numbers[0]) + 1), 1), False, "other-number")
            else:
                P(f"{brand} {rng.randrange(2, 9)}", False, "added-number")
    # companies sharing only generic words
    for _ in range(n // 6):
        head, tail = rng.choice(GENERIC_HEADS), rng.choice(GENERIC_TAILS)
        a, b = rng.sample(
            [
                "Machinery",
                "Petroleum",
                "Nuclear",
                "Aero",
                "Chemical",
                "Cereals",
                "Electronics",
                "Gold",
                "Textile",
                "Salt",
                "Tobacco",
                "Metals",
            ],
            2,
        )
        out.append(
            Pair(f"{head} {a} {tail}", f"{head} {b} {tail}", "Company", False, "generic-shared")
        )
    # the same brand with a country word and a legal form (subsidiary naming)
    for brand in rng.sample(brands, n // 8):
        tech = rng.choice(["", " Technology", " Technologies"])
        out.append(
            Pair(
                f"{brand}{tech} Co., Ltd.",
                f"{brand}{tech} {rng.choice(COUNTRY_WORDS)} {rng.choice(LEGAL_FORMS)}",
                "Company",
                True,
                "subsidiary-country",
            )
        )
    return out


def vessel_pairs(rng: random.Random, n: int) -> list[Pair]:
    entities, _ = _sdn_rows()
    vessels = [name for name, kind in entities.values() if kind == "vessel"]
    out: list[Pair] = []
    for name in rng.sample(vessels, n):
        kind = rng.randrange(4)
        if kind == 0 and len(name) >= 6:
            out.append(Pair(name, typos(name, rng, 1), "Vessel", True, "typo1"))
        elif kind == 1:
            out.append(Pair(name, f"MV {name.title()}", "Vessel", True, "prefix"))
        elif kind == 2:
            other = rng.choice(vessels)
            if other != name:
                out.append(Pair(name, other, "Vessel", False, "other-vessel"))
        else:
            numbers = re.findall(r"\d+", name)
            if numbers:
                out.append(
                    Pair(
                        name,
                        name.replace(numbers[0], str(int(numbers[0]) + 1)),
                        "Vessel",
                        False,
                        "other-number",
                    )
                )
            else:
                out.append(
                    Pair(name, f"{name} {rng.randrange(2, 9)}", "Vessel", False, "added-number")
                )
    return out


def realistic_pairs(seed: int = 2024) -> list[Pair]:
    rng = random.Random(seed)
    pairs = [*person_pairs(rng, 330), *org_pairs(rng, 300), *vessel_pairs(rng, 60)]
    return [Pair(p.name1, p.name2, p.schema, p.label, f"{p.schema}:{p.group}") for p in pairs]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--csv", default=None, help="write the pairs as name1,name2,schema,label")
    parser.add_argument("--profile", default="balanced")
    args = parser.parse_args(argv)
    pairs = realistic_pairs()
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["name1", "name2", "schema", "label", "group"])
            for p in pairs:
                writer.writerow([p.name1, p.name2, p.schema, int(p.label), p.group])
    scorer, threshold = clearance_scorer(args.profile)
    overall, by_schema, by_group = Counts(), {}, {}
    errors = []
    for p in pairs:
        score = scorer(p.name1, p.name2, p.schema)
        decision = score >= threshold
        overall.add(p.label, decision)
        by_schema.setdefault(p.schema, Counts()).add(p.label, decision)
        by_group.setdefault(p.group, Counts()).add(p.label, decision)
        if decision != p.label:
            errors.append((p, score))
    print(f"{len(pairs)} pairs ({sum(p.label for p in pairs)} positive), threshold {threshold}")
    print(f"all           P {overall.precision:.3f}  R {overall.recall:.3f}  F1 {overall.f1:.3f}")
    for schema, c in sorted(by_schema.items()):
        print(
            f"{schema:<13} P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  "
            f"(tp {c.tp} fp {c.fp} fn {c.fn} tn {c.tn})"
        )
    for group, c in sorted(by_group.items()):
        pos = c.tp + c.fn
        what = f"recall {c.recall:.2f} of {pos}" if pos else f"fp {c.fp} of {c.fp + c.tn}"
        print(f"   {group:<34} {what}")
    rng = random.Random(1)
    for p, score in rng.sample(errors, min(args.errors, len(errors))):
        print(f"ERR {p.label!s:<5} {score:.3f} {p.group:<30} {p.name1} | {p.name2}")


if __name__ == "__main__":
    main()
