"""Monitoring: the book kept screened while the real SDN versions become active one by one.

    PYTHONPATH=src python benchmarks/bench_monitor.py WORK [--parties 200000] [--versions 50]
        [--workers 2] [--planted 2]

WORK is a folder of its own (a store is made there). The book: ``--parties`` generated
counterparties (``gen_counterparties.py``, seed 7) plus ``--planted`` entities of each later
SDN version of ``../shared/data/ofac/sdn-history``, named as that version publishes them and
put in the book before any list has them. The store holds the bundled lists and the first SDN
version. In the same run, on the same file and store:

1. ``clearance screen FILE`` (the baseline) and ``clearance book import FILE`` (the book's
   first screening, with its alerts and audit records), each in its own process: wall time,
   CPU time of the process tree, peak PSS of the process tree; import / screen.
2. The later versions made active one after the other, each followed by the delta re-screen
   (``clearance.monitor.rescreen.cycle``): its wall and CPU time, the parties re-screened.
3. A full re-screen of the book at the last version (``cycle(full=True)``): the baseline of
   the deltas; mean delta / full.
4. Every planted party must alert on its entity at the version that lists it, with reason
   ``new-listing``, and never on it before (it cannot: the entity was on no list).

Peak memory of the replay is the PSS of this process and its workers, sampled every 0.25 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean, median

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screen import _tree_pss_mb
from clearance.catalog import import_dataset
from clearance.exposure import refresh
from clearance.model import Entity
from clearance.monitor.rescreen import Monitor, Monitored, book_index, cycle
from clearance.settings import Settings
from clearance.sources.base import Dataset
from clearance.sources.ofac import SdnSource
from clearance.store import Store
from clearance.store.monitor import AlertQuery
from gen_counterparties import HEADER, rows

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "us-ofac-sdn"


def history(data: Path) -> list[Path]:
    files = sorted((data / "ofac" / "sdn-history").glob("sdn-*.csv.gz"))
    if not files:
        raise SystemExit(f"No SDN history in {data / 'ofac' / 'sdn-history'}.")
    return files


def planted(files: list[Path], per_version: int, seed: int) -> list[tuple[int, Entity]]:
    """``per_version`` entities each later version adds (version numbers from 1)."""
    source = SdnSource()
    rng = random.Random(seed)
    seen = {e.id for e in source.read(files[0]).entities}
    out: list[tuple[int, Entity]] = []
    for number, path in enumerate(files[1:], start=2):
        dataset = source.read(path)
        added = sorted((e for e in dataset.entities if e.id not in seen), key=lambda e: e.id)
        seen.update(e.id for e in dataset.entities)
        out += [(number, e) for e in rng.sample(added, min(per_version, len(added)))]
    return out


def write_book(path: Path, parties: int, plants: list[tuple[int, Entity]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        done = 0
        while done < parties:
            size = min(50_000, parties - done)
            writer.writerows(rows(size, 7 + done, done))
            done += size
        for version, entity in plants:
            writer.writerow((f"planted-{version}-{entity.source_id}", entity.caption,
                             entity.schema, "", ""))  # fmt: skip


@dataclass
class Run:
    wall: float
    cpu: float
    pss: float


def run_cli(work: Path, *args: str) -> Run:
    """A ``clearance`` command in its own process: wall, CPU of the tree, peak PSS."""
    env = {**os.environ, "CLEARANCE_HOME": str(work / "home"), "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out, log = (work / f"{args[0]}.out").open("wb"), (work / f"{args[0]}.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "clearance", *args], env=env, stdout=out,
                            stderr=log)  # fmt: skip
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_pss_mb(proc.pid))
        time.sleep(0.25)
    wall = time.perf_counter() - started
    out.close()
    log.close()
    if proc.returncode:
        raise SystemExit(f"clearance {' '.join(args)} failed: see {work / args[0]}.log")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Run(wall, cpu, peak)


class Sampler:
    """The peak PSS of this process and its children, sampled in a thread."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_pss_mb(os.getpid()))
            self._stop.wait(0.25)


def cpu_now() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Step:
    version: int
    wall: float
    cpu: float
    rescreened: int
    opened: int
    closed: int
    touched: dict[str, int] = field(default_factory=dict)


def replay(
    settings: Settings, files: list[Path], workers: int, full_rescreen: bool
) -> tuple[list[Step], Run | None, Run]:
    """Each later version made active, then its delta re-screen; a full re-screen at the end
    (with ``full_rescreen``)."""
    source = SdnSource()
    steps: list[Step] = []
    with Monitor.open(settings, workers) as monitor:
        state = Monitored.read(monitor.book)
        started, cpu = time.perf_counter(), cpu_now()
        book_index(monitor, state.book_version)
        indexed = Run(time.perf_counter() - started, cpu_now() - cpu, 0.0)
        print(f"book index of {monitor.book.party_count():,} parties: {indexed.wall:.1f} s wall, "
              f"{indexed.cpu:.1f} s CPU (once per book version, kept on disk)",
              flush=True)  # fmt: skip
        for number, path in enumerate(files[1:], start=2):
            dataset: Dataset = source.read(path)
            import_dataset(monitor.store, dataset, source=source, force=True)
            refresh(monitor.store, settings)
            wall, cpu = time.perf_counter(), cpu_now()
            report = cycle(monitor, "bench")
            step = Step(number, time.perf_counter() - wall, cpu_now() - cpu,
                        report.outcome.screened, report.outcome.opened, report.outcome.closed,
                        report.touched)  # fmt: skip
            steps.append(step)
            print(f"  version {number:>2} ({path.name}): {step.wall:6.2f} s wall, "
                  f"{step.cpu:6.2f} s CPU, {step.rescreened:,} re-screened "
                  f"{dict(step.touched)}, {step.opened} opened, {step.closed} closed",
                  flush=True)  # fmt: skip
        full_run = None
        if full_rescreen:
            wall, cpu = time.perf_counter(), cpu_now()
            full = cycle(monitor, "bench", full=True)
            full_run = Run(time.perf_counter() - wall, cpu_now() - cpu, 0.0)
            print(f"full re-screen at version {len(files)}: {full.outcome.screened:,} parties, "
                  f"{full_run.wall:.1f} s wall, {full_run.cpu:.1f} s CPU", flush=True)  # fmt: skip
    return steps, full_run, indexed


def check_planted(settings: Settings, plants: list[tuple[int, Entity]]) -> tuple[int, list[str]]:
    """Planted parties alerting on their entity at its version (reason new-listing), and the
    problems found."""
    with Monitor.open(settings) as monitor:
        found = monitor.book.alerts(AlertQuery())
    first: dict[tuple[str, str], tuple[int, str]] = {}
    for alert in found:
        if alert.party.startswith("planted-"):
            first.setdefault((alert.party, alert.entity_id), (alert.version, alert.reason))
    good, problems = 0, []
    for version, entity in plants:
        party = f"planted-{version}-{entity.source_id}"
        got = first.get((party, entity.id))
        if got == (version, "new-listing"):
            good += 1
        else:
            problems.append(f"{party} ({entity.caption}): {got or 'no alert'}")
    return good, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("work", type=Path)
    parser.add_argument("--parties", type=int, default=200_000)
    parser.add_argument("--versions", type=int, default=50, help="SDN versions replayed")
    parser.add_argument("--planted", type=int, default=2, help="planted parties per version")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--no-full", action="store_true",
                        help="no full re-screen at the end: the deltas are compared with "
                        "`clearance screen` of the book only")  # fmt: skip
    args = parser.parse_args()
    files = history(args.data)[: args.versions]
    work: Path = args.work
    if (work / "home").exists():
        shutil.rmtree(work / "home")
    work.mkdir(parents=True, exist_ok=True)
    settings = Settings(home=work / "home")

    plants = planted(files, args.planted, seed=17)
    book = work / f"book-{args.parties}-{len(files)}.csv"
    write_book(book, args.parties, plants)
    total = args.parties + len(plants)
    print(f"book: {args.parties:,} generated parties + {len(plants)} planted; "
          f"{len(files)} SDN versions; {args.workers} workers", flush=True)  # fmt: skip
    with Store.open(settings) as store:
        import_dataset(store, SdnSource().read(files[0]), source=SdnSource(), force=True)
        refresh(store, settings)

    screened = run_cli(work, "screen", str(book), "--out", str(work / "screened.jsonl"),
                       "--workers", str(args.workers))  # fmt: skip
    imported = run_cli(work, "book", "import", str(book), "--workers", str(args.workers),
                       "--json")  # fmt: skip
    report = orjson.loads((work / "book.out").read_bytes())
    with_matches = sum(
        bool(orjson.loads(line)["matches"]) for line in (work / "screened.jsonl").open("rb")
    )
    print(
        f"clearance screen: {total:,} rows, {screened.wall:.1f} s wall, {screened.cpu:.1f} s "
        f"CPU, peak PSS {screened.pss:,.0f} MB; {with_matches:,} rows with matches"
    )
    print(
        f"clearance book import: {report['added']:,} added, {report['errors']} errors, "
        f"{report['alerts']['opened']:,} alerts; {imported.wall:.1f} s wall, "
        f"{imported.cpu:.1f} s CPU, peak PSS {imported.pss:,.0f} MB"
    )
    print(f"  import / screen: wall {imported.wall / screened.wall:.2f}x, CPU "
          f"{imported.cpu / screened.cpu:.2f}x (target <= 1.2x)", flush=True)  # fmt: skip

    with Sampler() as sampler:
        steps, full, indexed = replay(settings, files, args.workers, not args.no_full)
    walls = [s.wall for s in steps]
    cpus = [s.cpu for s in steps]
    good, problems = check_planted(settings, plants)
    print(
        f"delta re-screens ({len(steps)} versions): wall mean {mean(walls):.2f} s, median "
        f"{median(walls):.2f} s, max {max(walls):.2f} s; CPU mean {mean(cpus):.2f} s; "
        f"parties re-screened mean {mean(s.rescreened for s in steps):,.0f}, max "
        f"{max(s.rescreened for s in steps):,}"
    )
    if full is not None:
        print(
            f"  mean delta / full re-screen: wall {mean(walls) / full.wall:.2%}, CPU "
            f"{mean(cpus) / full.cpu:.2%} (target <= 2%); max delta / full: wall "
            f"{max(walls) / full.wall:.2%}"
        )
    print(
        f"  mean delta / clearance screen of the book: wall {mean(walls) / screened.wall:.2%}, "
        f"CPU {mean(cpus) / screened.cpu:.2%}"
    )
    print(f"planted parties alerting at their version (new-listing): {good} of {len(plants)}")
    for problem in problems:
        print(f"  {problem}")
    print(
        f"peak memory of the replay (PSS, this process and its workers): "
        f"{sampler.peak:,.0f} MB (target <= 2,048 MB)"
    )
    figures = {
        "parties": total, "versions": len(files), "workers": args.workers,
        "screen": screened.__dict__, "import": imported.__dict__,
        "book_index": indexed.__dict__, "full": full.__dict__ if full else None,
        "deltas": [s.__dict__ for s in steps], "planted_ok": good, "planted": len(plants),
        "replay_peak_pss_mb": sampler.peak,
    }  # fmt: skip
    (work / "figures.json").write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
