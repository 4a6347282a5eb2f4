"""Screening on Spark against the batch engine of one machine, in the same run.

    python benchmarks/gen_counterparties.py /tmp/cp200k.csv --rows 200000
    PYTHONPATH=src python benchmarks/bench_spark.py HOME /tmp/cp200k.csv --cores 2 \\
        [--before OLD_SRC] [--small 5000] [--builtin-first] [--skip-spark]

HOME holds a store (``bench_screen_data.py HOME``). Each engine screens the same file with
``clearance screen`` in a process of its own, one after the other:

* ``clearance screen IN --workers CORES`` (the batch engine; the baseline);
* with ``--before OLD_SRC``: the same with another source tree first on the path (the code
  before a change), on a copy of HOME, so the two builds do not replace each other's files
  (run first; ``--builtin-first`` runs the current build first, to alternate the order on a
  machine whose load changes);
* ``clearance screen IN --engine spark --master local[CORES]``;
* the same on the first ``--small`` rows, to tell Spark's fixed cost (the JVM, the session,
  each Python worker loading the index) from its cost per row.

For each: wall time, CPU time of the process tree (sampled from /proc every 0.5 s: a
process's last half second can be missed), peak PSS of the tree, of its largest Python worker
(a process below the command's own) and of its Java process. The outputs must be
byte-identical. Then a plan for 1 billion rows on a cluster from the measured cost per row.
"""

from __future__ import annotations

import argparse
import filecmp
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    """What the sampler saw of one process tree."""

    cpu: dict[int, float] = field(default_factory=dict)
    peak_tree: float = 0.0
    peak_python: float = 0.0
    peak_java: float = 0.0


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent, command name, CPU seconds) of every process."""
    out: dict[int, tuple[int, str, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / TICKS
            out[int(stat.parent.name)] = (int(fields[1]), name, cpu)
        except (OSError, ValueError, IndexError):
            continue
    return out


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _sample(root: int, seen: Sample) -> None:
    procs = _processes()
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, (parent, _, _) in procs.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0.0
    for pid in tree:
        if pid not in procs:
            continue
        _, name, cpu = procs[pid]
        seen.cpu[pid] = max(seen.cpu.get(pid, 0.0), cpu)
        pss = _pss_mb(pid)
        total += pss
        if name.startswith("python") and pid != root:  # a worker, not the command's process
            seen.peak_python = max(seen.peak_python, pss)
        elif name == "java":
            seen.peak_java = max(seen.peak_java, pss)
    seen.peak_tree = max(seen.peak_tree, total)


@dataclass
class Run:
    label: str
    rows: int
    wall: float
    sample: Sample
    out: Path

    @property
    def cpu(self) -> float:
        return sum(self.sample.cpu.values())

    def line(self, base: Run | None) -> str:
        ratio = f"{self.wall / base.wall:.2f}x" if base is not None else "1"
        return (
            f"| {self.label} | {self.rows:,} | {self.wall:.1f} s | {ratio} | {self.cpu:.1f} s | "
            f"{self.cpu / self.rows * 1e3:.2f} ms | {self.sample.peak_tree:.0f} MB | "
            f"{self.sample.peak_python:.0f} MB | {self.sample.peak_java:.0f} MB |"
        )


def run(label: str, args: list[str], home: Path, rows: int, out: Path, pythonpath: Path) -> Run:
    env = {**os.environ, "CLEARANCE_HOME": str(home), "PYTHONPATH": str(pythonpath),
           "PYSPARK_PYTHON": sys.executable}  # fmt: skip
    command = [sys.executable, "-m", "clearance", "screen", *args, "--out", str(out)]
    seen = Sample()
    started = time.perf_counter()
    # its own process group, so that an interrupted benchmark ends the whole tree it started
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        while proc.poll() is None:
            _sample(proc.pid, seen)
            time.sleep(0.5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    wall = time.perf_counter() - started
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"{label} failed ({proc.returncode}):\n{err[-3000:]}")
    print(f"{label}: {err.strip().splitlines()[-1]} ({wall:.1f} s)", file=sys.stderr)
    return Run(label, rows, wall, seen, out)


def _head(path: Path, rows: int, target: Path) -> Path:
    with path.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, rows + 1))
    return target


def plan(spark: Run, small: Run, cores: int) -> None:
    """1 billion rows on a cluster, from the marginal cost of a row on Spark here."""
    rows = spark.rows - small.rows
    cpu_per_row = (spark.cpu - small.cpu) / rows
    wall_per_row = (spark.wall - small.wall) / rows
    fixed = small.wall - small.rows * wall_per_row
    print(
        f"\nSpark, cost per row beyond the first {small.rows:,}: {cpu_per_row * 1e3:.2f} ms CPU, "
        f"{wall_per_row * 1e3 * cores:.2f} core-ms of wall time on {cores} cores; fixed cost "
        f"of a job here (JVM, session, index loads): {fixed:.0f} s"
    )
    worker = spark.sample.peak_python
    core_hours = 1e9 * wall_per_row * cores / 3600
    print(f"1,000,000,000 rows: {core_hours:,.0f} core-hours at this machine's rate")
    print("| executors x cores | memory per executor | expected time |")
    print("|---|---|---|")
    for executors, per in ((25, 8), (50, 8), (100, 8), (125, 16)):
        total = executors * per
        hours = core_hours / total
        memory = per * worker / 1024 + 2
        print(f"| {executors} x {per} ({total} cores) | {memory:.0f} GB ({per} Python workers of "
              f"{worker:.0f} MB + 2 GB JVM) | {hours:.1f} h |")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path)
    parser.add_argument("input", type=Path)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--before", type=Path, help="source tree of the build to compare with")
    parser.add_argument("--small", type=int, default=5000)
    parser.add_argument(
        "--builtin-first",
        action="store_true",
        help="run the current build before --before (to alternate the order)",
    )
    parser.add_argument("--skip-spark", action="store_true", help="only the built-in engine")
    args = parser.parse_args()
    rows = sum(1 for _ in args.input.open(encoding="utf-8")) - 1
    work = args.home.parent / f"{args.home.name}-spark-bench"
    work.mkdir(exist_ok=True)
    src = ROOT / "src"
    runs: list[Run] = []
    builtin_args = [str(args.input), "--workers", str(args.cores)]
    if args.builtin_first:
        runs.append(run("built-in engine", builtin_args, args.home, rows,
                        work / "builtin.jsonl", src))  # fmt: skip
    if args.before is not None:
        before_home = args.home.parent / f"{args.home.name}-before"
        if not before_home.exists():
            shutil.copytree(args.home, before_home)
        runs.append(run("built-in engine, before", builtin_args, before_home, rows,
                        work / "before.jsonl", args.before))  # fmt: skip
    if not args.builtin_first:
        runs.append(run("built-in engine", builtin_args, args.home, rows,
                        work / "builtin.jsonl", src))  # fmt: skip
    builtin = next(r for r in runs if r.label == "built-in engine")
    if args.skip_spark:
        _table(runs, builtin, rows, args.cores)
        return 0
    spark_args = ["--engine", "spark", "--master", f"local[{args.cores}]"]
    spark = run("Spark", [str(args.input), *spark_args], args.home, rows, work / "spark.jsonl",
                src)  # fmt: skip
    runs.append(spark)
    head = _head(args.input, args.small, work / "small.csv")
    small = run("Spark, first rows only", [str(head), *spark_args], args.home, args.small,
                work / "small.jsonl", src)  # fmt: skip
    runs.append(small)
    _table(runs, builtin, rows, args.cores)
    same = filecmp.cmp(builtin.out, spark.out, shallow=False)
    print(f"\nSpark output byte-identical to the built-in engine's: {same}")
    plan(spark, small, args.cores)
    return 0 if same else 1


def _table(runs: list[Run], builtin: Run, rows: int, cores: int) -> None:
    print(f"\n{rows:,} rows, {cores} cores\n")
    print("| run | rows | wall | vs built-in | CPU (tree) | CPU per row | peak PSS (tree) | "
          "largest Python worker | Java |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for item in runs:
        print(item.line(None if item is builtin else builtin))
    before = [r for r in runs if r.label.endswith("before")]
    if before:
        same = filecmp.cmp(before[0].out, builtin.out, shallow=False)
        print(f"\nbefore/after outputs byte-identical: {same}")


if __name__ == "__main__":
    sys.exit(main())
