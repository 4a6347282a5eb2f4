"""Import speed and store size: the versioned store against naive full-copy storage.

    python benchmarks/bench_import.py [N_HISTORY_VERSIONS]

1. The 2023-12-28 OFAC SDN CSV set (13,821 entities): read (parse + map) and store import into
   a fresh store, against the baseline run in the same process: a naive store that writes one
   row of uncompressed JSON per entity per version (same serialiser, one transaction).
2. The 50 real daily SDN versions of ``ofac/sdn-history`` (or the first N): read + import of
   all, and the store size after VACUUM for all versions against the largest version alone,
   for the versioned store and for the naive baseline.
3. Reading back: iterating the active entities and opening the store.
"""

from __future__ import annotations

import itertools
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import orjson

from clearance.catalog import import_dataset
from clearance.settings import Settings
from clearance.sources.base import Dataset
from clearance.sources.ofac import SdnSource
from clearance.store import Store

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


class NaiveStore:
    """The baseline: every version is a full copy, one uncompressed JSON row per entity."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(
            "CREATE TABLE entities (version INTEGER, entity_id TEXT, data BLOB,"
            " PRIMARY KEY (version, entity_id))"
        )
        self.version = 0

    def import_dataset(self, dataset: Dataset) -> None:
        self.version += 1
        rows = [
            (self.version, e.id, orjson.dumps(e.to_dict(), option=orjson.OPT_SORT_KEYS))
            for e in dataset.entities
        ]
        with self.conn:
            self.conn.executemany("INSERT INTO entities VALUES (?, ?, ?)", rows)

    def size(self) -> int:
        return vacuumed(self.conn)


def vacuumed(conn: sqlite3.Connection) -> int:
    conn.execute("VACUUM")
    pages: int = conn.execute("PRAGMA page_count").fetchone()[0]
    return pages * int(conn.execute("PRAGMA page_size").fetchone()[0])


def timed(fn):  # type: ignore[no-untyped-def]
    """(result, wall seconds); the CPU seconds of the last call are kept in CPU[0]."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    CPU[0] = time.process_time() - cpu
    return result, time.perf_counter() - started


CPU = [0.0]


def bench_one(tmp: Path) -> None:
    source = SdnSource()
    folder = SHARED / "ofac" / "sdn-2023-12-28"
    dataset, read_s = timed(lambda: source.read(folder))
    read_cpu = CPU[0]
    store = Store.open(Settings(home=tmp / "one"))
    _, store_s = timed(lambda: import_dataset(store, dataset, source=source))
    store_cpu = CPU[0]
    naive = NaiveStore(tmp / "naive-one.sqlite3")
    _, naive_s = timed(lambda: naive.import_dataset(dataset))
    n = len(dataset.entities)
    print(f"SDN 2023-12-28 CSV set: {n:,} entities")
    print(f"  read (parse+map)       {read_s:6.2f} s   (CPU {read_cpu:.2f} s)")
    print(
        f"  store import           {store_s:6.2f} s   (CPU {store_cpu:.2f} s)   "
        f"naive full copy {naive_s:5.2f} s (x{store_s / naive_s:.1f})"
    )
    print(
        f"  read + import          {read_s + store_s:6.2f} s   "
        f"(CPU {read_cpu + store_cpu:.2f} s; target < 2 s)"
    )
    _, iter_s = timed(lambda: sum(1 for _ in store.iter_entities()))
    print(f"  iterate active         {iter_s:6.2f} s   ({n / iter_s:,.0f} entities/s)")
    store.close()
    _, open_s = timed(lambda: Store.open(Settings(home=tmp / "one")).close())
    print(f"  Store.open             {open_s * 1000:6.1f} ms")


def bench_history(tmp: Path, limit: int) -> None:
    source = SdnSource()
    files = sorted((SHARED / "ofac" / "sdn-history").glob("sdn-*.csv.gz"))[:limit]
    store = Store.open(Settings(home=tmp / "all"))
    naive = NaiveStore(tmp / "naive-all.sqlite3")
    read_s = store_s = naive_s = 0.0
    largest: Dataset | None = None
    for path in files:
        dataset, seconds = timed(lambda p=path: source.read(p))
        read_s += seconds
        store_s += timed(lambda d=dataset: import_dataset(store, d, source=source, force=True))[1]
        naive_s += timed(lambda d=dataset: naive.import_dataset(d))[1]
        if largest is None or len(dataset.entities) > len(largest.entities):
            largest = dataset
    assert largest is not None
    one = Store.open(Settings(home=tmp / "largest"))
    import_dataset(one, largest, source=source)
    naive_one = NaiveStore(tmp / "naive-largest.sqlite3")
    naive_one.import_dataset(largest)
    sizes = {
        "store": (
            vacuumed(sqlite3.connect(store.location)),
            vacuumed(sqlite3.connect(one.location)),
        ),
        "naive": (naive.size(), naive_one.size()),
    }
    records = store.connection.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    print(
        f"SDN history: {len(files)} versions, largest {len(largest.entities):,} entities, "
        f"{records:,} distinct records stored"
    )
    print(f"  read (parse+map) all   {read_s:6.2f} s")
    print(
        f"  store import all       {store_s:6.2f} s   naive full copies {naive_s:5.2f} s "
        f"(x{store_s / naive_s:.2f})"
    )
    print(f"  read + import all      {read_s + store_s:6.2f} s   (target < 60 s)")
    for name, (all_b, one_b) in sizes.items():
        print(
            f"  {name:5} size: all {all_b / 1e6:7.1f} MB, largest alone {one_b / 1e6:5.1f} MB, "
            f"ratio x{all_b / one_b:.2f}"
        )
    print(
        f"  store vs naive (all versions): x{sizes['store'][0] / sizes['naive'][0]:.3f} "
        "of the space"
    )
    diff_ids = [v.id for v in store.versions("us-ofac-sdn")]
    _, diff_s = timed(
        lambda: [store.diff("us-ofac-sdn", a, b) for a, b in itertools.pairwise(diff_ids)]
    )
    print(f"  {len(diff_ids) - 1} consecutive diffs  {diff_s:6.2f} s")
    store.close()
    one.close()


def main() -> None:
    if not SHARED.is_dir():
        sys.exit(f"real list data not found at {SHARED}")
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as tmp:
        bench_one(Path(tmp))
        bench_history(Path(tmp), limit)


if __name__ == "__main__":
    main()
