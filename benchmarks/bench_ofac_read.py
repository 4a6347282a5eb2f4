"""Reading speed of the OFAC importers against a bare parse of the same files.

    python benchmarks/bench_ofac_read.py [REPEAT]

For each real OFAC file in ../shared/data: ``Source.read`` (parse, typed records, remarks,
mapping to entities, content hash) against the baseline run in the same process: the bare
parse of the same bytes (``csv.reader`` over every file of a CSV set, ``lxml.etree.fromstring``
for XML) with no records and no mapping. Best of REPEAT (default 5), CPU time of this process
(the machine is shared; wall time is printed too). Also: the first, cold read in a fresh
process state (rules, country table) and the per-file time over the 50 gzipped SDN versions.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from clearance.sources.ofac import ConsSource, OfacSource, SdnSource

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ofac"

CASES: list[tuple[str, OfacSource, Path]] = [
    ("sdn-2023-12-28 (CSV set)", SdnSource(), SHARED / "sdn-2023-12-28"),
    ("sdn-2021-07-07 (CSV set)", SdnSource(), SHARED / "sdn-2021-07-07"),
    ("sdn-2024-05-01.csv.gz", SdnSource(), SHARED / "sdn-history" / "sdn-2024-05-01.csv.gz"),
    ("consolidated-2025-12-19 (CSV)", ConsSource(), SHARED / "consolidated-2025-12-19"),
    (
        "consolidated-2018-05 XML",
        ConsSource(),
        SHARED / "consolidated-2018-05" / "consolidated.xml",
    ),
    ("advanced-2020-03-17 XML", ConsSource(), SHARED / "advanced-2020-03-17"),
]


def baseline(path: Path) -> int:
    """Bare parse of the files ``read`` would read: rows or elements, nothing mapped."""
    files = [path]
    if path.is_dir():
        # a folder read takes its XML file if there is one, else the CSV set
        xml = [f for f in path.iterdir() if f.name.lower().endswith(".xml")]
        csvs = sorted(f for f in path.iterdir() if f.name.lower().endswith(".csv"))
        files = xml[:1] or csvs
    count = 0
    for file in files:
        name = file.name.lower()
        if name.endswith(".xml"):
            root = etree.fromstring(file.read_bytes())
            count += sum(1 for _ in root.iter())
        elif name.endswith((".csv", ".csv.gz")):
            raw = file.read_bytes()
            if name.endswith(".gz"):
                raw = gzip.decompress(raw)
            text = raw.decode("utf-8", errors="replace").rstrip("\x1a")
            count += sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    return count


def best(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best CPU seconds and best wall seconds of ``repeat`` runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        func()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall)


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not SHARED.is_dir():
        sys.exit(f"real data not found at {SHARED}")
    name, source, path = CASES[0]
    c0, w0 = time.process_time(), time.perf_counter()
    cold = source.read(path)
    print(
        f"cold first read, {name}: {len(cold.entities)} entities, "
        f"{(time.process_time() - c0) * 1000:.0f} ms CPU, "
        f"{(time.perf_counter() - w0) * 1000:.0f} ms wall"
    )
    print()
    print("| file | entities | read ms (CPU) | wall ms | entities/s | bare parse ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, source, path in CASES:
        count = len(source.read(path).entities)
        read_cpu, read_wall = best(lambda s=source, p=path: s.read(p), repeat)
        base_cpu, _ = best(lambda p=path: baseline(p), repeat)
        print(
            f"| {name} | {count:,} | {read_cpu * 1000:.0f} | {read_wall * 1000:.0f} | "
            f"{count / read_cpu:,.0f} | {base_cpu * 1000:.0f} | x{read_cpu / base_cpu:.1f} |"
        )
    files = sorted((SHARED / "sdn-history").glob("sdn-*.csv.gz"))
    c0, w0 = time.process_time(), time.perf_counter()
    total = sum(len(SdnSource().read(f).entities) for f in files)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    print()
    print(
        f"sdn-history: {len(files)} gzipped versions, {total:,} entities, "
        f"{cpu / len(files) * 1000:.0f} ms CPU ({wall / len(files) * 1000:.0f} ms wall) per file"
    )


if __name__ == "__main__":
    main()
