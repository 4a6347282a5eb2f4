"""Batch screening with and without reusing the results of repeated rows, in one process.

    python benchmarks/bench_repeats.py HOME COUNTERPARTIES.csv [--rows 200000] [--workers 2]

HOME holds a store with every list loaded (bench_screen_data.py); the CSV comes from
gen_counterparties.py. The first ``--rows`` rows are screened twice through the worker pool,
first with repeats screened again (the baseline), then with their results reused; the two
outputs must be equal. Prints both times, the share of rows repeated and the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from itertools import islice
from pathlib import Path

from clearance.screen import Screener
from clearance.screen_batch import BatchOptions, _Repeats, run_batch
from clearance.screen_io import read_rows
from clearance.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.environ["CLEARANCE_HOME"] = str(args.home)
    settings = Settings.from_env()
    screener = Screener.open(settings)
    rows = list(islice(read_rows(args.path, "csv"), args.rows))
    outputs, times = [], []
    for kept in (0, BatchOptions().repeats_kept):
        options = BatchOptions(workers=args.workers, repeats_kept=kept)
        started = time.perf_counter()
        outputs.append([r.to_dict() for r in run_batch(screener, rows, options, settings)])
        times.append(time.perf_counter() - started)
        print(f"repeats kept {kept:,}: {len(rows):,} rows in {times[-1]:.1f} s", flush=True)
    if outputs[0] != outputs[1]:
        raise SystemExit("the outputs differ")
    repeats = _Repeats(BatchOptions())
    repeated = sum(len(repeats.split(list(enumerate(rows[i : i + 256])))[2])
                   for i in range(0, len(rows), 256))  # fmt: skip
    print(
        f"{repeated / len(rows):.1%} of the rows repeat a recent query; reusing their results: "
        f"{times[0] / times[1]:.2f}x faster (same outputs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
