"""Shared set-up of the screening benchmarks: a store holding every list in shared/data.

    python benchmarks/bench_screen_data.py HOME     # load (or reuse) a store in HOME

Real list files are read from ``../shared/data`` (never copied into the repository). Excerpt
files are smaller than their sources' quality gates, so gates are relaxed here: the benchmark
measures screening, not import policy.
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

from clearance.catalog import import_dataset, open_store
from clearance.errors import ClearanceError
from clearance.settings import Settings
from clearance.sources import get_source
from clearance.sources.base import Gates

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"

#: source id -> file or folder under shared/data, the newest publication of each list
FILES = (
    ("us-ofac-sdn", "ofac/sdn-2023-12-28"),
    ("us-ofac-cons", "ofac/consolidated-2025-12-19"),
    ("un-sc", "un/consolidated-2026-02-27.xml"),
    ("eu-fsf", "eu/fsf-excerpt-2026-08-05.xml"),
    ("gb-fcdo", "uk/uk-sanctions-list-excerpt-2026-09-10.xml"),
    ("us-trade-csl", "us-csl/csl-sample-2025-06-25.csv"),
    ("us-bis-dpl", "us-csl/dpl-2022-09.txt"),
    ("ftm:ua_war_sanctions", "opensanctions/ua_war_sanctions.targets.simple.csv"),
    ("cn-prc-countersanctions", "cn/prc-countersanctions.csv"),
    ("us-bis-mieu", "us-statutory/bis-mieu.csv"),
)


def load_all(home: Path, quiet: bool = False) -> Settings:
    """A store in ``home`` with every readable list loaded (idempotent)."""
    settings = Settings(home=home)
    with open_store(settings) as store:
        for source_id, rel in FILES:
            path = SHARED / rel
            try:
                source = get_source(source_id)
                relaxed = copy.copy(source)
                relaxed.gates = Gates()
                started = time.perf_counter()
                dataset = source.read(path)
                import_dataset(store, dataset, force=True, source=relaxed)
                if not quiet:
                    print(
                        f"  {source_id}: {len(dataset.entities):,} entities "
                        f"({time.perf_counter() - started:.1f} s)",
                        file=sys.stderr,
                    )
            except (ClearanceError, ImportError, AttributeError, OSError) as exc:
                if not quiet:
                    print(f"  {source_id}: skipped ({exc})", file=sys.stderr)
    return settings


if __name__ == "__main__":
    load_all(Path(sys.argv[1]))
