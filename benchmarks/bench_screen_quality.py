"""Screening quality on every list in shared/data (the test suite runs a smaller version).

    python benchmarks/bench_screen_quality.py HOME

* perturbed names of UN-listed people, with birth year and nationality: share found;
* unlisted people (eval/negatives_*_1k.csv, with birth date, nationality, gender): alert rate;
* section 889 companies in Latin and Chinese script, unlisted manufacturers
  (tests/fixtures/screening/company_cases.csv): found with their list / no alert.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.screen_eval import (
    company_cases,
    listed_person_queries,
    negative_queries,
)

from bench_screen_data import SHARED, load_all
from clearance.model import Query
from clearance.screen import Screener


def main() -> int:
    screener = Screener.open(load_all(Path(sys.argv[1]), quiet=True))
    entities = [screener.index.entity(i) for i in range(screener.index.size)]
    un = [e for e in entities if e.source == "un-sc"]
    started = time.perf_counter()
    queries = list(listed_person_queries(un, seed=11))
    found = [q for q, target, _ in queries if target in {h.entity.id for h in screener.search(q)}]
    missed = [(q.name, kind) for q, target, kind in queries
              if target not in {h.entity.id for h in screener.search(q)}]  # fmt: skip
    print(
        f"UN people, perturbed: {len(found)}/{len(queries)} = {len(found) / len(queries):.4f} "
        f"found above the threshold; missed: {missed[:10]}"
    )
    alerts: list[str] = []
    total = 0
    for name in ("negatives_global_1k.csv", "negatives_us_1k.csv"):
        for query in negative_queries(SHARED / "eval" / name):
            total += 1
            hits = screener.search(query)
            if hits:
                alerts.append(f"{query.name} -> {hits[0].entity.caption} ({hits[0].score:.2f})")
    print(f"unlisted people: {len(alerts)}/{total} = {len(alerts) / total:.4f} alert")
    for line in alerts[:15]:
        print(f"  alert: {line}")
    good = 0
    cases = company_cases()
    for case in cases:
        hits = screener.search(Query(name=case["query"], schema=case["schema"]))
        lists = {code for h in hits for code in h.to_dict()["lists"]}
        ok = case["expect_list"] in lists if case["expect_list"] else not hits
        good += ok
        if not ok:
            print(f"  company case failed: {case['query']} ({case['note']}): {sorted(lists)}")
    print(f"company cases: {good}/{len(cases)} as expected")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
