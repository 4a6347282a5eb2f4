"""The store in PostgreSQL against SQLite, in the same run: list imports and /match under load
with two servers on one database.

    python benchmarks/bench_postgres.py [--versions 50] [--clients 8] [--requests 800]

``CLEARANCE_BENCH_POSTGRES_URL`` names an empty PostgreSQL database to use; otherwise a
throwaway server is started from Debian's binaries (as the tests do).

1. Import: the real daily OFAC SDN versions of ``ofac/sdn-history`` (all 50, or the first N),
   each read once, then imported one after the other into a fresh SQLite store and into a
   fresh PostgreSQL database (read time apart: it is the same for both).
2. /match under load: two ``clearance serve`` processes (one worker each) over the store of
   step 1 (the last SDN version active, plus the bundled lists), each with its own home (its
   own persisted index, as two hosts have), on one database: the same PostgreSQL database, or
   the same SQLite file. ``--clients`` concurrent clients, each on a kept-alive connection,
   alternate between the two servers and send yente-style ``POST /match/default`` with one
   name each (listed SDN names with a spelling change, and unlisted people). Every answer is
   written to the audit chain, so each request is one write transaction of the store. After
   the run the chain is verified: one chain, every request in it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tests import pgserver  # noqa: E402
from tests.serving import serve  # noqa: E402

from bench_api import Run, load, varied_names  # noqa: E402
from clearance.catalog import import_dataset, open_store  # noqa: E402
from clearance.settings import Settings  # noqa: E402
from clearance.sources.base import Dataset  # noqa: E402
from clearance.sources.ofac import SdnSource  # noqa: E402
from clearance.store import Store, open_database  # noqa: E402
from clearance.store.chain import verify  # noqa: E402
from clearance.store.keys import KeyStore  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def read_history(count: int) -> tuple[list[Dataset], float]:
    source = SdnSource()
    files = sorted((SHARED / "ofac" / "sdn-history").glob("sdn-*.csv.gz"))[:count]
    started = time.perf_counter()
    datasets = [source.read(path) for path in files]
    return datasets, time.perf_counter() - started


def import_all(settings: Settings, datasets: list[Dataset]) -> float:
    """Seconds to import every version (forced: real lists shrink now and then)."""
    with Store.open(settings) as store:
        started = time.perf_counter()
        for dataset in datasets:
            import_dataset(store, dataset, force=True)
        return time.perf_counter() - started


def serve_and_load(
    settings: Settings, label: str, names: list[tuple[str, str]], args: argparse.Namespace
) -> Run:
    """Two servers over the store of ``settings``, each with a home of its own for its index."""
    with open_store(settings):  # the bundled lists, before two servers race to sync them
        pass
    homes = [settings.home / f"server-{n}" for n in (1, 2)]
    servers = []
    if not settings.database_url:  # SQLite: both servers open the one file
        homes = [settings.home, settings.home]
    env = {"CLEARANCE_API_RATE_PER_MINUTE": "0"}
    for n, home in enumerate(homes, 1):
        log = settings.home / f"{label}-{n}.log"
        servers.append(serve(home, "--workers", "1", "--log-level", "warning", env=env,
                             database=settings.database_url, log=log, wait=300))  # fmt: skip
    try:
        db = open_database(settings.database_location)
        key = KeyStore(db).create(f"bench-{label}", "screener")[1]
        bases = [server.base for server in servers]
        asyncio.run(load(bases, key, args.clients, names, len(names)))  # warm-up: once each
        before = verify(db).records
        run = asyncio.run(load(bases, key, args.clients, names, args.requests))
        report = verify(db)
        db.close()
    finally:
        for server in servers:
            server.stop(60)
    print(run.line(f"{label} /match"))
    print(
        f"  audit chain: {report.records - before:,} records written by the two servers, "
        f"one chain: {report.ok}"
    )
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--names", type=int, default=400)
    args = parser.parse_args()
    url = os.environ.get("CLEARANCE_BENCH_POSTGRES_URL", "").strip()
    server = None
    if not url:
        bin_dir = pgserver.binaries()
        if bin_dir is None:
            raise SystemExit("no PostgreSQL: install Debian's postgresql or set the URL")
        server = pgserver.PostgresServer.start(bin_dir)
        url = server.database()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-postgres-") as tmp:
            sqlite = Settings(home=Path(tmp) / "sqlite")
            postgres = Settings(home=Path(tmp) / "postgres", database_url=url)
            print(f"load average before: {os.getloadavg()}, cores: {os.cpu_count()}")
            datasets, read_s = read_history(args.versions)
            print(f"read {len(datasets)} SDN versions: {read_s:.1f} s (the same for both)")
            sqlite_s = import_all(sqlite, datasets)
            postgres_s = import_all(postgres, datasets)
            for label, seconds in (("SQLite", sqlite_s), ("PostgreSQL", postgres_s)):
                per = seconds / len(datasets)
                print(f"import, {label + ':':<11} {seconds:6.1f} s ({per:.2f} s/version)")
            print(f"ratio PostgreSQL / SQLite, import: {postgres_s / sqlite_s:.2f}x")
            names = varied_names(sqlite, args.names, seed=11, sources=["us-ofac-sdn"])
            lite = serve_and_load(sqlite, "SQLite", names, args)
            pg = serve_and_load(postgres, "PostgreSQL", names, args)
            p99 = [float(np.percentile(np.array(r.latencies) * 1e3, 99)) for r in (lite, pg)]
            print(
                f"ratios PostgreSQL / SQLite, /match with two servers: throughput "
                f"{pg.rate / lite.rate:.2f}x, p99 {p99[1] / p99[0]:.2f}x"
            )
            print(f"load average after: {os.getloadavg()}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
