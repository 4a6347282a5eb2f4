"""The query builder's cost per row: ``queries.from_row`` on generated rows, process CPU.

    python benchmarks/bench_query_builder.py COUNTERPARTIES.csv [--rows 100000] [--rounds 2]

The CSV comes from gen_counterparties.py. The first 2,000 rows warm the caches (country
spellings); then the first ``--rows`` rows are read, ``--rounds`` times, and the CPU per row is
printed with the module that ran (a compiled build prints its extension). To compare two builds,
run it once with each on the path, taking turns; there is no baseline in the process, since the
two builds are one module each.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import time
from itertools import islice
from pathlib import Path

from clearance import queries
from clearance.errors import ClearanceError
from clearance.queries import Columns, from_row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with args.path.open(newline="", encoding="utf-8") as handle:
        rows = list(islice(csv.DictReader(handle), args.rows))
    columns = Columns()
    for row in rows[:2000]:
        with contextlib.suppress(ClearanceError):
            from_row(row, columns)
    for _ in range(args.rounds):
        start = time.process_time()
        for row in rows:
            with contextlib.suppress(ClearanceError):
                from_row(row, columns)
        spent = time.process_time() - start
        module = Path(queries.__file__ or "").name
        print(f"{module}: {spent / len(rows) * 1e6:.1f} us a row ({len(rows):,} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
