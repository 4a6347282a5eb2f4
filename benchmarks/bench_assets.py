"""`clearance assets screen` throughput on a generated inventory, against the I/O floor.

    CLEARANCE_HOME=/tmp/bench-assets PYTHONPATH=src python benchmarks/bench_assets.py \
        [--rows 100000] [--workers 2] [--ieee ../shared/data/ieee]

The store of CLEARANCE_HOME gets the IEEE registries (and keeps the lists it has). The run
times, in one process: the registry tables made from scratch (every registered organisation
matched against the lists, in ``--workers`` processes); the screening of ``--rows`` generated
rows with the tables made, in 1 and in ``--workers`` processes, output written as JSON lines;
and the baseline, the same file only read and written back as one JSON line per row (what no
screening can go below). It prints the ratios and the time 1,000,000 rows would take at the
measured rate.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import orjson  # noqa: E402

from clearance.catalog import load, open_store  # noqa: E402
from clearance.exposure import refresh  # noqa: E402
from clearance.exposure.asset_tables import open_assets, tables_path  # noqa: E402
from clearance.exposure.assets import AssetResult  # noqa: E402
from clearance.screen_io import read_rows  # noqa: E402
from clearance.settings import Settings  # noqa: E402
from gen_inventory import HEADER, SHARED_IEEE, _registry, rows  # noqa: E402


def _floor(path: Path, out: Path) -> float:
    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        for number, row in enumerate(read_rows(path, "csv"), 1):
            fh.write(orjson.dumps({"row": number, "reference": row["reference"]}).decode() + "\n")
    return time.perf_counter() - start


def _json_line(result: AssetResult) -> bytes:
    return result.to_json() + b"\n"


def _screen(settings: Settings, path: Path, out: Path, workers: int) -> float:
    """What ``clearance assets screen IN --out OUT.jsonl --workers N`` does."""
    start = time.perf_counter()
    with open_store(settings) as store:
        screener = open_assets(store, settings, workers=workers)
    with out.open("wb") as fh:
        for line in screener.screen_encoded(read_rows(path, "csv"), _json_line, workers):
            fh.write(line)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--ieee", type=Path, default=SHARED_IEEE)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    with open_store(settings) as store:
        load(store, "ieee-oui", args.ieee)
        refresh(store, settings)
        state = store.state_key()
    work = Path(tempfile.mkdtemp(prefix="bench-assets-"))
    inventory = work / "inventory.csv"
    with inventory.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows(args.rows, args.seed, _registry(args.ieee)))

    tables_path(settings.index_dir, state, settings.profile).unlink(missing_ok=True)
    start = time.perf_counter()
    with open_store(settings) as store:
        open_assets(store, settings, workers=args.workers)
    tables = time.perf_counter() - start
    print(f"registry tables from scratch ({args.workers} processes): {tables:.1f} s")

    floor = _floor(inventory, work / "floor.jsonl")
    print(f"baseline (read and write {args.rows:,} rows): {floor:.2f} s")
    for workers in sorted({1, args.workers}):
        took = _screen(settings, inventory, work / f"out{workers}.jsonl", workers)
        print(
            f"assets screen, {workers} process(es): {took:.2f} s for {args.rows:,} rows "
            f"({args.rows / took:,.0f} rows/s, {took / floor:.1f}x the baseline); "
            f"1,000,000 rows at this rate: {took * 1_000_000 / args.rows:.0f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
