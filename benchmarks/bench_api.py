"""HTTP API load test: /match throughput and latency against a real server on loopback.

    python benchmarks/bench_api.py HOME [--workers 2] [--requests 600] [--seconds 20]

HOME gets a store with every list in ../shared/data (see bench_screen_data.py; reused when it
is already there). The script starts ``clearance serve`` on a free loopback port, then sends
yente-style ``POST /match/default`` requests, one name each, from 1, 8 and 32 concurrent
clients on kept-alive connections (httpx.AsyncClient), with varied names: listed names with a
spelling change, and unlisted people. Each level is bounded by ``--requests`` and
``--seconds``. Baselines run in the same process, on the same names:

* in-process: ``Screener.search`` called directly, one thread (no HTTP, no JSON, no audit);
* ``GET /healthz`` on the same server at 8 clients (the HTTP floor: framework + client).

Before measuring, every name is sent twice (and screened once in-process), so measurements
are of warm processes: the matcher caches each listed entity's compiled names on first use.
Only loopback is used; the server is stopped (SIGTERM) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.serving import Served, serve

from bench_screen_data import SHARED, load_all
from clearance.model import Query
from clearance.screen import Screener
from clearance.settings import Settings
from clearance.store import Store, open_database
from clearance.store.keys import KeyStore

LEVELS = (1, 8, 32)


def varied_names(
    settings: Settings, count: int, seed: int = 7, sources: list[str] | None = None
) -> list[tuple[str, str]]:
    """(schema, name) pairs: half listed names (of ``sources``, default all) with two letters
    swapped, half unlisted people."""
    rng = random.Random(seed)
    listed: list[tuple[str, str]] = []
    with Store.open(settings) as store:
        for entity in store.iter_entities(sources):
            if entity.names and entity.schema in ("Person", "Company", "Organization"):
                listed.append((entity.schema, entity.caption))
    rng.shuffle(listed)
    out: list[tuple[str, str]] = []
    for schema, name in listed[: count // 2]:
        chars = list(name)
        if len(chars) > 6:
            i = rng.randrange(1, len(chars) - 1)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        out.append((schema, "".join(chars)))
    negatives = SHARED / "eval" / "negatives_global_1k.csv"
    with negatives.open(encoding="utf-8") as handle:
        people = [("Person", row["full_name"]) for row in csv.DictReader(handle)]
    rng.shuffle(people)
    out.extend(people[: count - len(out)])
    rng.shuffle(out)
    return out


def body(schema: str, name: str) -> dict[str, object]:
    return {"queries": {"q": {"schema": schema, "properties": {"name": [name]}}}}


@dataclass
class Run:
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    #: status code -> count, of the failed requests
    failures: dict[int, int] = field(default_factory=dict)

    def line(self, label: str) -> str:
        ms = np.array(self.latencies) * 1e3
        rate = len(self.latencies) / self.seconds if self.seconds else 0.0
        return (
            f"{label:<14} clients {self.clients:>2}: {len(ms):>5} req in {self.seconds:5.1f} s, "
            f"{rate:7.1f} req/s, p50 {np.percentile(ms, 50):6.1f} ms, "
            f"p99 {np.percentile(ms, 99):6.1f} ms, errors {self.errors}"
            + (f" {self.failures}" if self.failures else "")
        )

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


async def load(
    base: str | list[str],
    key: str,
    clients: int,
    names: list[tuple[str, str]],
    limit: int,
    seconds: float = float("inf"),
    path: str = "/match/default",
) -> Run:
    """``clients`` concurrent clients, each on its own kept-alive connection, until ``limit``
    requests or ``seconds``; with several servers (``base`` a list), client ``i`` asks server
    ``i % len(base)``.

    One AsyncClient per client: a single pool shared by 32 tasks spends more time in its own
    bookkeeping than the server spends answering (GET /healthz fell from 1,300 to 330 req/s).
    """
    run = Run(clients)
    headers = {"Authorization": f"Bearer {key}"}
    counter = iter(range(limit))
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    bases = [base] if isinstance(base, str) else base
    pool = [
        httpx.AsyncClient(base_url=bases[i % len(bases)], headers=headers, limits=limits,
                          timeout=60)
        for i in range(clients)
    ]  # fmt: skip
    started = time.perf_counter()
    stop_at = started + seconds

    async def client(http: httpx.AsyncClient) -> None:
        for n in counter:
            if time.perf_counter() > stop_at:
                return
            schema, name = names[n % len(names)]
            t0 = time.perf_counter()
            if path == "/healthz":
                response = await http.get(path)
            else:
                response = await http.post(path, json=body(schema, name))
            run.latencies.append(time.perf_counter() - t0)
            if response.status_code != 200:
                run.errors += 1
                run.failures[response.status_code] = run.failures.get(response.status_code, 0) + 1
                if run.errors == 1:
                    print(f"  first failure: {response.status_code} {response.text[:200]}")

    try:
        await asyncio.gather(*(client(http) for http in pool))
        run.seconds = time.perf_counter() - started
    finally:
        for http in pool:
            await http.aclose()
    return run


def start_server(home: Path, workers: int, log: Path | None = None) -> Served:
    options = ("--workers", str(workers), "--log-level", "warning")  # errors only: no access lines
    return serve(home, *options, env={"CLEARANCE_API_RATE_PER_MINUTE": "0"}, log=log, wait=120)


def in_process(screener: Screener, names: list[tuple[str, str]], limit: int) -> Run:
    run = Run(1)
    started = time.perf_counter()
    for schema, name in names[:limit]:
        t0 = time.perf_counter()
        screener.search(Query(name=name, schema=schema), limit=5)
        run.latencies.append(time.perf_counter() - t0)
    run.seconds = time.perf_counter() - started
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=600, help="most requests per level")
    parser.add_argument("--seconds", type=float, default=20.0, help="most seconds per level")
    parser.add_argument("--names", type=int, default=400, help="distinct query names")
    args = parser.parse_args()
    settings = load_all(args.home, quiet=True)
    screener = Screener.open(settings)  # builds and persists the index the server loads
    names = varied_names(settings, args.names)
    key = KeyStore(open_database(settings.database_location)).create(
        f"bench-{int(time.time())}", "screener"
    )[1]
    print(f"load average before: {os.getloadavg()}, cores: {os.cpu_count()}")
    in_process(screener, names, len(names))  # warm: entity caches filled, as in the server
    base_run = in_process(screener, names, min(args.requests, len(names)))
    print(base_run.line("in-process"))
    log = args.home / "bench_api_server.log"
    server = start_server(args.home, args.workers, log)
    base = server.base
    try:
        # warm-up: every name twice, so each worker process has scored its candidates once
        asyncio.run(load(base, key, 8, names, 2 * len(names), 4 * args.seconds))
        floor = asyncio.run(load(base, key, 8, names, args.requests, args.seconds, "/healthz"))
        print(floor.line("GET /healthz"))
        runs = [asyncio.run(load(base, key, c, names, args.requests, args.seconds)) for c in LEVELS]
        for run in runs:
            print(run.line("POST /match"))
    finally:
        server.stop(30)
    print(f"load average after: {os.getloadavg()}")
    errors = [line for line in log.read_text().splitlines() if '"level":"error"' in line]
    if errors:
        print(f"server errors ({len(errors)}), first: {errors[0][:2000]}")
    best = max(r.rate for r in runs)
    print(
        f"ratios: /match at 32 clients = {runs[-1].rate / base_run.rate:.2f}x in-process "
        f"single-thread rate; best /match rate = {best / floor.rate:.2f}x /healthz rate"
    )
    p99_8 = float(np.percentile(np.array(runs[1].latencies) * 1e3, 99))
    print(
        f"targets: p99 at 8 clients {p99_8:.1f} ms (<= 50), "
        f"32 clients {runs[2].rate:.0f} req/s (>= 300), errors {sum(r.errors for r in runs)} (0)"
    )


if __name__ == "__main__":
    main()
