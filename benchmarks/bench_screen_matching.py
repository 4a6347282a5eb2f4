"""Screening's matching work, this tree against a baseline tree, in the same run.

    python benchmarks/bench_screen_matching.py HOME --baseline /path/to/base/src
                                               [--queries 3000] [--rounds 3] [--script Hani]
                                               [--baseline-home HOME2]

HOME is a store with the lists loaded (``bench_screen_data.py HOME``). Each tree screens the
same queries (generated counterparties, people and companies of many locales with birth dates
and countries, and perturbed listed people: what a counterparty file holds) in a subprocess of
its own: retrieval, then ``Matcher.score_above`` on every candidate, where the name bounds
decide which candidates are aligned at all. The trees run alternately, ``--rounds`` times;
the best CPU time of each is kept (the machine is shared). The hits of both trees are compared:
a faster bound that skipped a match would show here.

The reference tables are read before timing: the first query, and the first organisation name
in Chinese characters (which reads the optional Chinese-English dictionary); that warm-up's CPU
time is printed apart. ``--script Hani`` screens only the generated organisations whose names
are written in that script (``--queries`` of them), not the mixed rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import hashlib, json, sys, time
sys.path[:0] = [sys.argv[3], sys.argv[4]]
from screen_eval import listed_person_queries
from gen_counterparties import rows
from clearance.model import Query
from clearance.screen import Screener
from clearance.settings import Settings

home, count, script = sys.argv[1], int(sys.argv[2]), sys.argv[5]
screener = Screener.open(Settings.from_env())
entities = [screener.index.entity(i) for i in range(screener.index.size)]
if script:
    from clearance.text.scripts import detect_script
    listed = []
    generated = [Query(name=r[1], schema=r[2], country=(r[3],), birth_date=r[4])
                 for r in rows(count * 40, seed=99)
                 if r[2] != "Person" and detect_script(r[1]) == script][:count]
else:
    listed = [q for q, _, _ in listed_person_queries(entities, seed=9)][: count // 4]
    generated = [Query(name=r[1], schema=r[2], country=(r[3],), birth_date=r[4])
                 for r in rows(count - len(listed), seed=99)]
queries = listed + generated
# reference tables loaded before timing (a Chinese organisation name reads the dictionary)
warm = time.process_time()
screener.search(queries[0])
for query in queries:
    if query.schema != "Person" and any("\u4e00" <= c <= "\u9fff" for c in query.name):
        screener.search(query)
        break
warm = time.process_time() - warm
digest = hashlib.sha256()
hits = 0
started = time.process_time()
for query in queries:
    found = screener.search(query)
    hits += len(found)
    for hit in found:
        digest.update(f"{hit.entity.id}:{hit.result.score:.12f};".encode())
cpu = time.process_time() - started
import clearance.match.names as names
print(json.dumps({"cpu": cpu, "queries": len(queries), "hits": hits, "warm": warm,
                  "digest": digest.hexdigest(), "compiled": not names.__file__.endswith(".py")}))
"""


def run(src: Path, home: Path, count: int, script: str) -> dict[str, float | str]:
    env = {**os.environ, "PYTHONPATH": str(src), "CLEARANCE_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), str(count), str(ROOT / "tests"),
         str(ROOT / "benchmarks"), script],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result: dict[str, float | str] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--baseline", type=Path, required=True, help="the baseline's src")
    parser.add_argument(
        "--baseline-home",
        type=Path,
        help="a copy of HOME for the baseline: one store keeps one persisted index, so two trees "
        "sharing HOME rebuild theirs at every start (default: HOME)",
    )
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--script", default="", help="only organisations written in it (Hani)")
    args = parser.parse_args()
    trees = {"this": ROOT / "src", "baseline": args.baseline}
    homes = {"this": args.home, "baseline": args.baseline_home or args.home}
    best: dict[str, dict[str, float | str]] = {}
    for n in range(args.rounds):
        for name, src in trees.items():
            result = run(src, homes[name], args.queries, args.script)
            build = "compiled" if result["compiled"] else "pure Python"
            print(
                f"round {n + 1} {name}: {float(result['cpu']):.2f} s CPU "
                f"(warm-up {float(result['warm']):.2f} s, {build})",
                flush=True,
            )
            if name not in best or float(result["cpu"]) < float(best[name]["cpu"]):
                best[name] = result
    this, base = best["this"], best["baseline"]
    queries = int(this["queries"])
    for name, result in best.items():
        cpu = float(result["cpu"])
        print(
            f"{name}: {queries} queries in {cpu:.2f} s CPU ({queries / cpu:,.0f} queries per "
            f"CPU second), {result['hits']} hits"
        )
    print(f"ratio this / baseline (CPU time): {float(this['cpu']) / float(base['cpu']):.3f}")
    if this["compiled"] != base["compiled"]:
        # an editable install leaves the compiled modules beside this tree's sources
        print("WARNING: one tree ran compiled and the other pure Python: the ratio compares builds")
    same = this["digest"] == base["digest"]
    print("hits and scores: " + ("identical" if same else "DIFFERENT"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
