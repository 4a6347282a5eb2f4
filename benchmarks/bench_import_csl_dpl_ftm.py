"""Import speed of the CSL, DPL and FtM readers against a bare parse of the same file.

    python benchmarks/bench_import_csl_dpl_ftm.py [REPEAT]

For each real file in ``../shared/data`` the full ``Source.read`` (parse, check, map, hash) is
timed against the baseline that any reader must pay, run in the same process: ``csv.reader``
over the file, or ``orjson.loads`` per line for JSON lines. For FtM JSON lines a second
baseline is followthemoney's own ``model.get_proxy`` per line (parse and validate, no folding).
Prints best-of-REPEAT times, entities per second and the ratio to each baseline.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from clearance.sources import get_source

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

FILES = (
    ("us-trade-csl", "us-csl/csl-sample-2019-12-03.csv", ","),
    ("us-bis-dpl", "us-csl/dpl-2022-09.txt", "\t"),
    ("ftm", "opensanctions/zala.ftm.json", ""),
    ("ftm", "opensanctions/ua_war_sanctions.targets.simple.csv", ","),
)


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def bare_csv(path: Path, delimiter: str) -> int:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def bare_json_lines(path: Path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.strip() and orjson.loads(line))


def ftm_proxies(path: Path) -> int:
    from followthemoney import model

    lines = path.read_bytes().splitlines()
    return sum(1 for line in lines if line.strip() and model.get_proxy(orjson.loads(line)))


def main(repeat: int) -> None:
    if not SHARED.is_dir():
        sys.exit(f"real list data not found at {SHARED}")
    print(f"{'file':<48} {'entities':>8} {'read ms':>8} {'ent/s':>9} {'baseline':>22}")
    for source_id, rel, delimiter in FILES:
        path = SHARED / rel
        source = get_source(source_id)
        count = len(source.read(path).entities)
        ours = best(lambda: source.read(path), repeat)  # noqa: B023 - called in this iteration
        baselines: list[tuple[str, float]] = []
        if delimiter:
            baselines.append(("csv.reader", best(lambda: bare_csv(path, delimiter), repeat)))  # noqa: B023
        else:
            baselines.append(("orjson lines", best(lambda: bare_json_lines(path), repeat)))  # noqa: B023
            baselines.append(("ftm get_proxy", best(lambda: ftm_proxies(path), repeat)))  # noqa: B023
        line = f"{rel:<48} {count:>8} {ours * 1000:>8.1f} {count / ours:>9.0f}"
        for label, seconds in baselines:
            print(f"{line} {label:>14} x{ours / seconds:>6.1f}")
            line = " " * len(line)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
