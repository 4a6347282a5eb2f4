"""`clearance screen` of one file by two builds in the same run: wall, CPU, peak memory, ratios.

    python benchmarks/bench_builds.py ROWS.csv --new TREE HOME --old TREE HOME [--rounds 2]

Each TREE is a checkout with its own virtualenv (``TREE/.venv``, an install of that tree, the
compiled build unless it was installed pure); each HOME a store made by that tree
(``bench_screen_data.py`` run with its Python: a store's schema belongs to the tree that wrote
it). The builds take turns (old, new, old, new...) so that a machine slowing down in the run
weighs on both. Peak memory is the proportional set size of the whole process tree, sampled
every 0.25 s. The rows each build matched and flagged are counted from its JSON lines, and
the two builds' JSON lines are compared row by row (every match, score and explanation): a
change meant to make screening faster must leave them identical.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from itertools import zip_longest
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screen import _tree_pss_mb


def run(tree: Path, home: Path, rows: Path, out: Path, workers: int) -> dict[str, float]:
    python = tree / ".venv" / "bin" / "python"
    env = {**os.environ, "CLEARANCE_HOME": str(home)}
    env.pop("PYTHONPATH", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [str(python), "-m", "clearance", "screen", str(rows), "--out", str(out),
               "--workers", str(workers)]  # fmt: skip
    proc = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_pss_mb(proc.pid))
        time.sleep(0.25)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"{tree}: clearance screen failed with {proc.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    matched = errors = warned = 0
    with out.open("rb") as fh:
        for line in fh:
            data = orjson.loads(line)
            matched += bool(data["matches"])
            errors += bool(data.get("error"))
            warned += bool(data.get("warnings"))
    return {"wall": wall, "cpu": cpu, "pss": peak, "matched": matched, "errors": errors,
            "warned": warned}  # fmt: skip


def differing_rows(old: Path, new: Path) -> tuple[int, int, list[str]]:
    """Rows compared, rows whose JSON lines differ, and the references of the first few."""
    rows = differing = 0
    first: list[str] = []
    with old.open("rb") as fh_old, new.open("rb") as fh_new:
        for line_old, line_new in zip_longest(fh_old, fh_new, fillvalue=b""):
            rows += 1
            if line_old != line_new:
                differing += 1
                if len(first) < 5:
                    data = orjson.loads(line_old or line_new)
                    first.append(str(data.get("reference") or data.get("row")))
    return rows, differing, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=Path)
    parser.add_argument("--new", nargs=2, type=Path, required=True, metavar=("TREE", "HOME"))
    parser.add_argument("--old", nargs=2, type=Path, required=True, metavar=("TREE", "HOME"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for number in range(args.rounds):
        for label in ("old", "new"):
            tree, home = getattr(args, label)
            out = home / f"bench-builds-{label}.jsonl"
            figures = run(tree, home, args.rows, out, args.workers)
            results[label].append(figures)
            print(f"round {number + 1} {label}: wall {figures['wall']:.1f} s, CPU "
                  f"{figures['cpu']:.1f} s, peak PSS {figures['pss']:.0f} MB, rows matched "
                  f"{figures['matched']:,}, errors {figures['errors']:,}, warned "
                  f"{figures['warned']:,}", flush=True)  # fmt: skip
        rows, differing, first = differing_rows(
            args.old[1] / "bench-builds-old.jsonl", args.new[1] / "bench-builds-new.jsonl"
        )
        print(f"round {number + 1}: {differing:,} of {rows:,} rows differ between the builds"
              + (f" (first: {', '.join(first)})" if first else ""), flush=True)  # fmt: skip
    for key in ("wall", "cpu", "pss"):
        old = min(r[key] for r in results["old"])
        new = min(r[key] for r in results["new"])
        print(f"best {key}: old {old:.1f}, new {new:.1f}, new/old {new / old:.3f}")


if __name__ == "__main__":
    main()
