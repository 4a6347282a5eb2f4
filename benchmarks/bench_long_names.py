"""Server memory and time under one long name in /match, this tree against a baseline tree.

    python benchmarks/bench_long_names.py HOME --baseline /tmp/base --baseline-home BHOME

HOME and BHOME hold stores made by each tree (``bench_screen_data.py`` with each tree's
Python: a store's schema belongs to the tree that wrote it); the baseline is another checkout
with its own virtualenv (``BASE/.venv``). Each tree serves its store with ``clearance serve``,
one worker; each size is sent as one name of one word in a ``/match`` query (and, to this
tree, the largest query it accepts: 4 names of 1,000 characters), and the server's peak
resident memory (VmHWM) and the request's time are read after it. Each size runs in a fresh
server, so a peak belongs to one request.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serving import Served, serve


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start(python: str, home: Path, env_src: str | None) -> Served:
    env = {"CLEARANCE_API_RATE_PER_MINUTE": "0", "CLEARANCE_API_REQUEST_TIMEOUT": "600",
           "PYTHONPATH": env_src or ""}  # fmt: skip
    return serve(home, "--workers", "1", env=env, python=python, wait=120)


def key(python: str, home: Path, env_src: str | None) -> str:
    env = {**os.environ, "CLEARANCE_HOME": str(home)}
    env.pop("PYTHONPATH", None)
    if env_src:
        env["PYTHONPATH"] = env_src
    name = f"bench-{time.time_ns()}"
    out = subprocess.run([python, "-m", "clearance", "keys", "create", name, "--role", "admin"],
                         env=env, capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def largest_accepted() -> list[str]:
    """Names as long as a query may hold them: 4 names of 1,000 characters, each of ten
    99-letter words (pseudo-random letters: no word is in the index)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        " ".join("".join(letters[(n * 7 + w * 13 + i * 31) % 26] for i in range(99))
                 for w in range(10))[:1000]
        for n in range(4)
    ]  # fmt: skip


def run_tree(label: str, python: str, home: Path, env_src: str | None, sizes: list[int]) -> None:
    secret = key(python, home, env_src)
    for size in sizes:
        server = start(python, home, env_src)
        base = server.base
        try:
            idle = peak_mb(server.process.pid)
            names = largest_accepted() if size == 0 else ["x" * size]
            body = {"queries": {"q": {"schema": "Person", "properties": {"name": names}}}}
            started = time.perf_counter()
            response = httpx.post(f"{base}/match/default", json=body, timeout=900,
                                  headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
            took = time.perf_counter() - started
            peak = peak_mb(server.process.pid)
            grown = f"peak {peak:8.0f} MB (idle {idle:.0f} MB, +{peak - idle:.0f})"
            what = "4 x 1,000 chars" if size == 0 else f"{size:,} chars"
            print(f"{label:9s} {what:>16s}: {response.status_code}  {took:7.2f} s  {grown}",
                  flush=True)  # fmt: skip
        finally:
            server.stop(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--baseline-home", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000, 10000, 20000])
    # 0 stands for the largest query this tree accepts (see largest_accepted)
    parser.add_argument("--this-sizes", type=int, nargs="+", default=[0, 2000, 20000, 100000])
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    run_tree("baseline", str(args.baseline / ".venv" / "bin" / "python"), args.baseline_home,
             str(args.baseline / "src"), args.sizes)  # fmt: skip
    run_tree("this", sys.executable, args.home, str(here / "src"), args.this_sizes)


if __name__ == "__main__":
    main()
