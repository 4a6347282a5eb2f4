"""Matching quality and speed: clearance against nomenklatura's logic-v2, same pairs, same run.

    python benchmarks/bench_matching.py [--small] [--errors N] [--no-baseline]

Pairs come from the public data in ../shared/data (see ``eval_pairs.py``). For each matcher it
prints precision, recall and F1 at its default threshold, overall and per schema, the recall or
false-positive rate per source group, and name pairs per second; then the ratios
clearance / logic-v2. ``evaluate`` is the small runner the tests use.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clearance.match.scorer import Matcher
from clearance.match.tokens import token_similarity
from clearance.text import keys as text_keys
from clearance.text.keys import name_forms
from clearance.text.normalize import normalize
from clearance.text.spelling import loose_key, phonetic_key, skeleton
from clearance.text.translit import latin_variants, latinize
from eval_pairs import EVAL, Pair, all_pairs

Scorer = Callable[[str, str, str], float]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, label: bool, decision: bool) -> None:
        if label and decision:
            self.tp += 1
        elif label:
            self.fn += 1
        elif decision:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    name: str
    overall: Counts = field(default_factory=Counts)
    by_schema: dict[str, Counts] = field(default_factory=dict)
    by_group: dict[str, Counts] = field(default_factory=dict)
    seconds: float = 0.0
    errors: list[tuple[Pair, float]] = field(default_factory=list)

    @property
    def pairs_per_second(self) -> float:
        total = self.overall.tp + self.overall.fp + self.overall.fn + self.overall.tn
        return total / self.seconds if self.seconds else 0.0


def evaluate(name: str, scorer: Scorer, threshold: float, pairs: Iterable[Pair]) -> Report:
    """Score every pair, time it, and count decisions at ``threshold``."""
    report = Report(name)
    pairs = list(pairs)
    started = time.process_time()
    scores = [scorer(p.name1, p.name2, p.schema) for p in pairs]
    report.seconds = time.process_time() - started
    for pair, score in zip(pairs, scores, strict=True):
        decision = score >= threshold
        report.overall.add(pair.label, decision)
        report.by_schema.setdefault(pair.schema, Counts()).add(pair.label, decision)
        report.by_group.setdefault(pair.group, Counts()).add(pair.label, decision)
        if decision != pair.label:
            report.errors.append((pair, score))
    return report


def clear_caches() -> None:
    for fn in (
        normalize,
        latinize,
        latin_variants,
        name_forms,
        token_similarity,
        phonetic_key,
        loose_key,
        skeleton,
    ):
        # name_forms reads a cache of compiled names per kind of name (text.keys._kind_forms)
        getattr(fn, "cache_clear", text_keys._kind_forms.cache_clear)()


def clearance_scorer(profile: str = "balanced") -> tuple[Scorer, float]:
    matcher = Matcher(profile)

    def score(n1: str, n2: str, schema: str) -> float:
        return matcher.compare(n1, n2, schema).score

    return score, matcher.threshold


def logic_v2_scorer() -> tuple[Scorer, float] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return None
    config = ScoringConfig(weights={}, config={k: v.default for k, v in LogicV2.CONFIG.items()})
    counter = itertools.count()

    def score(n1: str, n2: str, schema: str) -> float:
        schema = "LegalEntity" if schema == "Airplane" else schema
        left, right = model.make_entity(schema), model.make_entity(schema)
        # logic-v2 caches name analysis by entity id: every entity needs its own
        n = next(counter)
        left.id, right.id = f"q{n}", f"r{n}"
        left.add("name", n1)
        right.add("name", n2)
        return float(LogicV2.compare(left, right, config).score)

    return score, 0.7


def ofac_parity(path: Path) -> tuple[float, int, int]:
    """Mean absolute error (score points) of the ofac profile on OFAC's own scores, the number
    of triples, and how many of the negatives (score -1: not returned) stay under threshold."""
    matcher = Matcher("ofac")
    errors: list[float] = []
    negatives_ok = 0
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            score = matcher.compare(row["query_name"], row["result_name"]).score
            expected = int(row["ofac_score"])
            if expected < 0:
                negatives_ok += score < matcher.threshold
            else:
                errors.append(abs(score * 100 - expected))
    return sum(errors) / len(errors), len(errors), negatives_ok


WARM_UP = (
    ("Dr Bill Smyth Jr", "SMITH, William", "Person"),
    ("Alpha Trading Co., Ltd.", "ALPHA TRADING LLC 2", "Company"),
    ("Kaddafi Yevgenia", "Gaddafi Evgeniya", "Person"),
    ("Ocean Star III", "MV OCEAN STAR", "Vessel"),
)


def warm_up(matcher: Matcher) -> None:
    """Load the reference tables (nicknames, legal forms, ...) once, outside timed runs."""
    for name1, name2, schema in WARM_UP:
        matcher.compare(name1, name2, schema)


def throughput(pairs: list[Pair]) -> tuple[float, float]:
    """Pairs per CPU second through ``Matcher.compare``: cold caches, then warm."""
    matcher = Matcher()
    warm_up(matcher)
    clear_caches()
    rates = []
    for _ in range(2):
        started = time.process_time()
        for p in pairs:
            matcher.compare(p.name1, p.name2, p.schema)
        rates.append(len(pairs) / (time.process_time() - started))
    return rates[0], rates[1]


def print_report(report: Report, top_errors: int) -> None:
    o = report.overall
    print(
        f"\n== {report.name}: P {o.precision:.3f}  R {o.recall:.3f}  F1 {o.f1:.3f}  "
        f"({report.pairs_per_second:,.0f} pairs/s)"
    )
    for schema, c in sorted(report.by_schema.items()):
        print(
            f"   {schema:<13} P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  "
            f"(tp {c.tp} fp {c.fp} fn {c.fn} tn {c.tn})"
        )
    for group, c in sorted(report.by_group.items()):
        n = c.tp + c.fn if c.tp + c.fn else c.fp + c.tn
        rate = c.recall if c.tp + c.fn else c.fp / n
        what = "recall" if c.tp + c.fn else "false-positive rate"
        print(f"   {group:<26} {what} {rate:.3f} of {n}")
    for pair, score in report.errors[:top_errors]:
        print(f"   ERR {pair.label!s:<5} {score:.3f} {pair.schema:<12} {pair.name1} | {pair.name2}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="a quarter of the pairs")
    parser.add_argument("--errors", type=int, default=0, help="print N misclassified pairs")
    parser.add_argument("--no-baseline", action="store_true", help="skip logic-v2")
    parser.add_argument("--profile", default="balanced")
    args = parser.parse_args(argv)
    pairs = all_pairs(small=args.small)
    print(f"{len(pairs)} pairs ({sum(p.label for p in pairs)} positive)")
    mae, count, negatives = ofac_parity(EVAL / "ofac_parity.csv")
    print(
        f"ofac profile vs OFAC Sanctions List Search: mean abs error {mae:.2f} points on {count} "
        f"scores; {negatives} of 6 unreturned names under its threshold"
    )
    latin = [p for p in pairs if p.name1.isascii() and p.name2.isascii()]
    cold, warm = throughput(latin)
    print(
        f"throughput on {len(latin)} Latin pairs, per CPU second: cold caches {cold:,.0f}, "
        f"warm {warm:,.0f}"
    )
    warm_up(Matcher())
    clear_caches()
    scorer, threshold = clearance_scorer(args.profile)
    ours = evaluate(f"clearance ({args.profile}, threshold {threshold})", scorer, threshold, pairs)
    print_report(ours, args.errors)
    baseline = None if args.no_baseline else logic_v2_scorer()
    if baseline is None:
        return
    theirs = evaluate("nomenklatura logic-v2 (threshold 0.7)", baseline[0], baseline[1], pairs)
    print_report(theirs, 0)
    print("\n== ratios clearance / logic-v2")
    print(
        f"   F1 {ours.overall.f1 / theirs.overall.f1:.2f}x   "
        f"precision {ours.overall.precision / theirs.overall.precision:.2f}x   "
        f"recall {ours.overall.recall / theirs.overall.recall:.2f}x   "
        f"speed {ours.pairs_per_second / theirs.pairs_per_second:.1f}x"
    )


if __name__ == "__main__":
    main()
