"""Screening performance: index build, cold start, query latency, batch throughput.

    python benchmarks/bench_screen.py HOME [--queries 2000] [--rows 50000] [--workers 2]

HOME gets a store with every list in ../shared/data (see bench_screen_data.py). Prints our
figures next to two baselines run in the same process on the same queries:

* naive: rapidfuzz ``process.extract`` of the normalised query over every normalised name
  (what a screening without an index does to find its top 10);
* nomenklatura logic-v2 (from the ``bench`` extra) scoring our candidates, against our matcher
  scoring the same candidates.

The batch run screens ``--rows`` generated counterparties with ``clearance screen`` in a
subprocess (peak memory from getrusage of the children) and extrapolates to 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.screen_eval import listed_person_queries

from bench_screen_data import load_all
from clearance.catalog import open_store
from clearance.index import build_index, save_index
from clearance.model import Query
from clearance.screen import Screener
from clearance.text.normalize import normalize
from gen_counterparties import rows as counterparty_rows

COLD = """
import time, sys
t0 = time.perf_counter()
from pathlib import Path
from clearance.model import Query
from clearance.screen import Screener
from clearance.settings import Settings
s = Screener.open(Settings(home=Path(sys.argv[1])))
hits = s.search(Query(name=sys.argv[2]))
print(f"{time.perf_counter() - t0:.3f} {len(hits)}")
"""


def stats(values: list[float]) -> str:
    arr = np.array(values) * 1e3
    return f"median {np.median(arr):.2f} ms, p99 {np.percentile(arr, 99):.2f} ms"


def bench_build(settings_home: Path) -> None:
    from clearance.settings import Settings

    settings = Settings(home=settings_home)
    with open_store(settings) as store:
        started = time.perf_counter()
        data = build_index(store.iter_entities(), state_key=store.state_key())
        built = time.perf_counter() - started
        save_index(data, settings.index_dir)
        total = time.perf_counter() - started
    print(
        f"index build: {built:.2f} s ({total:.2f} s with saving) for {data.size:,} entities, "
        f"{len(data.name_entity):,} name rows, {len(data.vocab):,} keys"
    )


def bench_cold(home: Path) -> None:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(home), "Hikvision"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        times.append((time.perf_counter() - started, float(out[0])))
    wall, inner = min(times)
    print(f"cold start to first result: {inner:.2f} s in-process ({wall:.2f} s with interpreter)")


def make_queries(screener: Screener, count: int) -> list[Query]:
    entities = [screener.index.entity(i) for i in range(screener.index.size)]
    listed = [q for q, _, _ in listed_person_queries(entities, seed=9)][: count // 4]
    generated = [Query(name=r[1], schema=r[2], country=(r[3],), birth_date=r[4])
                 for r in counterparty_rows(count - len(listed), seed=99)]  # fmt: skip
    return listed + generated


def bench_queries(screener: Screener, queries: list[Query]) -> None:
    ours: list[float] = []
    for query in queries:
        started = time.perf_counter()
        screener.search(query)
        ours.append(time.perf_counter() - started)
    print(f"query latency, ours ({len(queries)} queries): {stats(ours)}")
    names = [normalize(n) for e in range(screener.index.size)
             for n in {x.value for x in screener.index.entity(e).names}]  # fmt: skip
    from rapidfuzz import fuzz, process

    naive: list[float] = []
    for query in queries[:300]:
        started = time.perf_counter()
        process.extract(normalize(query.name), names, scorer=fuzz.token_sort_ratio, limit=10)
        naive.append(time.perf_counter() - started)
    ratio = np.median(naive) / np.median(ours)
    print(
        f"query latency, naive extract over {len(names):,} names: {stats(naive)} "
        f"-> ours is {ratio:.0f}x faster (median)"
    )
    bench_nomenklatura(screener, queries[:300])


def bench_nomenklatura(screener: Screener, queries: list[Query]) -> None:
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
    except ImportError:
        print("nomenklatura not installed (pip install 'clearance[bench]'): skipped")
        return
    algo = get_algorithm("logic-v2")
    config = algo.default_config()
    ours: list[float] = []
    theirs: list[float] = []
    for query in queries:
        cands = screener.searcher.candidates([query.name], schema=query.schema)
        entities = [screener.index.entity(c.index) for c in cands]
        proxies = [model.get_proxy(e.to_ftm()) for e in entities]
        props = {"name": [query.name]}
        if query.birth_date and query.schema == "Person":
            props["birthDate"] = [query.birth_date]
        qproxy = model.get_proxy({"id": "q", "schema": query.schema, "properties": props})
        started = time.perf_counter()
        for entity in entities:
            screener.scorer.score(query, entity)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        for proxy in proxies:
            algo.compare(qproxy, proxy, config)
        theirs.append(time.perf_counter() - started)
    ratio = sum(theirs) / max(sum(ours), 1e-9)
    print(
        f"scoring our candidates, ours: {stats(ours)}; nomenklatura logic-v2: {stats(theirs)}"
        f" -> ours is {ratio:.1f}x faster (total)"
    )


def _tree_pss_mb(root: int) -> float:
    """Proportional set size of a process and its descendants (shared pages split fairly)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def bench_batch(home: Path, rows: int, workers: int) -> None:
    path = home / f"counterparties-{rows}.csv"
    if not path.exists():
        subprocess.run([sys.executable, str(Path(__file__).parent / "gen_counterparties.py"),
                        str(path), "--rows", str(rows)], check=True)  # fmt: skip
    out = home / "screened.jsonl"
    env = {**os.environ, "CLEARANCE_HOME": str(home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "clearance", "screen", str(path), "--out",
                             str(out), "--workers", str(workers)], env=env)  # fmt: skip
    peak_tree = 0.0
    while proc.poll() is None:
        peak_tree = max(peak_tree, _tree_pss_mb(proc.pid))
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"clearance screen failed with {proc.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak = after.ru_maxrss / 1024
    print(
        f"clearance screen CPU time: {cpu:.1f} s for {rows:,} rows ({rows / cpu:,.0f} rows per "
        f"CPU second) -> 1,000,000 rows in {cpu / rows * 1e6 / workers / 60:.1f} min on "
        f"{workers} idle cores"
    )
    per_million = elapsed / rows * 1_000_000
    print(
        f"clearance screen: {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s, "
        f"{workers} workers) -> 1,000,000 rows in {per_million / 60:.1f} min (extrapolated); "
        f"peak memory of the process tree {peak_tree:.0f} MB (PSS), largest single process "
        f"{peak:.0f} MB (max RSS)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()
    settings = load_all(args.home, quiet=True)
    bench_build(settings.home)
    bench_cold(settings.home)
    screener = Screener.open(settings)
    bench_queries(screener, make_queries(screener, args.queries))
    if not args.skip_batch:
        bench_batch(settings.home, args.rows, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
