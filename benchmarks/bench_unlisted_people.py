"""False alerts on unlisted people from many cultures, by name alone, against every list.

    python benchmarks/bench_unlisted_people.py HOME [--people 6000] [--seed 11]
                                               [--baseline SRC] [--show N]

HOME is a store with the lists loaded (``bench_screen_data.py HOME`` loads every list in
../shared/data). The people are generated with Faker, seeded: a mix of locales and scripts,
each name either in its own script or romanised (Faker's own romanisation for Japanese and
Chinese, anyascii for the others), with no birth date, nationality or schema hint beyond
"Person": a screening that has nothing but the name. None of these people is listed (a name
that is really a listed person's would be a true alert: the few the lists hold are shown with
``--show``), so every alert is a false one. Prints the alert rate, per locale and written
form, and with ``--baseline SRC`` the same for the build under SRC, run in a subprocess on the
same people.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

from anyascii import anyascii
from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: locales and the share of people drawn from each (weights)
LOCALES = {
    "en_US": 3, "en_GB": 1, "de_DE": 1, "fr_FR": 1, "es_ES": 1, "es_MX": 1, "it_IT": 1,
    "pt_BR": 1, "pl_PL": 1, "tr_TR": 1, "ru_RU": 2, "uk_UA": 1, "zh_CN": 2, "zh_TW": 1,
    "ja_JP": 2, "ko_KR": 2, "ar_AA": 2, "fa_IR": 1, "he_IL": 1, "el_GR": 1, "hi_IN": 1,
    "vi_VN": 1, "th_TH": 1, "hy_AM": 1, "ka_GE": 1, "bn_BD": 1,
}  # fmt: skip
#: locales whose Faker has a romanised name of its own
ROMANIZED = frozenset({"ja_JP", "zh_CN", "zh_TW"})


def people(count: int, seed: int) -> list[tuple[str, str, str]]:
    """(locale, form, name): ``form`` is ``native`` or ``latin``."""
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 1000 + i)
    locales, weights = list(LOCALES), list(LOCALES.values())
    out: list[tuple[str, str, str]] = []
    for _ in range(count):
        loc = rng.choices(locales, weights)[0]
        fake = fakers[loc]
        if fake.name().isascii():
            out.append((loc, "latin", f"{fake.first_name()} {fake.last_name()}"))
        elif rng.random() < 0.5:
            out.append((loc, "native", fake.name()))
        elif loc in ROMANIZED:
            out.append((loc, "latin", fake.romanized_name()))
        else:
            out.append((loc, "latin", anyascii(fake.name())))
    return out


def screen(home: Path, names: list[str]) -> list[list[tuple[str, float]]]:
    """The alerts of each name: (entity id, score) at or above the profile's threshold."""
    from clearance.model import Query
    from clearance.screen import Screener
    from clearance.settings import Settings

    screener = Screener.open(Settings(home=home))
    return [
        [(hit.entity.id, round(hit.score, 3)) for hit in screener.search(Query(name, "Person"))]
        for name in names
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--baseline", help="the src folder of the build to compare with")
    parser.add_argument("--show", type=int, default=0, help="print N alerts")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    drawn = people(args.people, args.seed)
    names = [name for _, _, name in drawn]
    if args.json:
        json.dump(screen(args.home, names), sys.stdout)
        return 0
    ours = screen(args.home, names)
    theirs = None
    if args.baseline:
        env = dict(os.environ, PYTHONPATH=str(Path(args.baseline).resolve()))
        cmd = [sys.executable, __file__, str(args.home), "--json",
               "--people", str(args.people), "--seed", str(args.seed)]  # fmt: skip
        done = subprocess.run(cmd, env=env, check=True, capture_output=True)
        theirs = json.loads(done.stdout)
    total = Counter(f"{loc} {form}" for loc, form, _ in drawn)
    for label, alerts in (("this build", ours), ("baseline", theirs)):
        if alerts is None:
            continue
        hit = Counter(f"{loc} {form}" for (loc, form, _), a in zip(drawn, alerts, strict=True) if a)
        count = sum(1 for a in alerts if a)
        print(f"{label}: {count} of {len(drawn)} unlisted people alert ({count / len(drawn):.2%})")
        worst = ", ".join(f"{k} {v}/{total[k]}" for k, v in hit.most_common(8))
        print(f"  by locale and form: {worst}")
    if theirs is not None:
        new = sum(1 for a, b in zip(ours, theirs, strict=True) if a and not b)
        gone = sum(1 for a, b in zip(ours, theirs, strict=True) if b and not a)
        print(f"alerts only this build has: {new}; only the baseline has: {gone}")
    shown = 0
    for (loc, form, name), alerts in zip(drawn, ours, strict=True):
        if alerts and shown < args.show:
            shown += 1
            print(f"  {loc:6} {form:6} {name}  ->  {alerts[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
