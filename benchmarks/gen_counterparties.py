"""Generate seeded, multilingual counterparty files for screening benchmarks.

    python benchmarks/gen_counterparties.py OUT.csv --rows 1000000 --seed 7

Columns: reference, name, schema, country, birth_date. About 60% people, 40% companies, in
a dozen Faker locales (Latin, Cyrillic, Chinese, Japanese, Korean, Arabic scripts).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from faker import Faker

LOCALES = {
    "en_US": "us", "en_GB": "gb", "de_DE": "de", "fr_FR": "fr", "es_ES": "es", "it_IT": "it",
    "pt_BR": "br", "pl_PL": "pl", "tr_TR": "tr", "ru_RU": "ru", "uk_UA": "ua", "zh_CN": "cn",
    "ja_JP": "jp", "ko_KR": "kr", "ar_AA": "ae", "fa_IR": "ir", "hi_IN": "in", "vi_VN": "vn",
}  # fmt: skip
HEADER = ("reference", "name", "schema", "country", "birth_date")


def rows(count: int, seed: int, first: int = 0) -> list[tuple[str, ...]]:
    """``count`` counterparty rows, referenced ``cp{first}`` onwards; the same seed always
    gives the same rows."""
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 1000 + i)
    locales = list(LOCALES)
    out: list[tuple[str, ...]] = []
    for n in range(count):
        loc = rng.choice(locales)
        fake = fakers[loc]
        if rng.random() < 0.6:
            born = f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            out.append((f"cp{first + n}", fake.name(), "Person", LOCALES[loc], born))
        else:
            out.append((f"cp{first + n}", fake.company(), "Company", LOCALES[loc], ""))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        done = 0
        while done < args.rows:
            size = min(50_000, args.rows - done)
            writer.writerows(rows(size, args.seed + done, done))
            done += size
    print(f"wrote {args.rows:,} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
