"""`clearance serve` in a process of its own, on a free loopback port, until it is ready: for
the tests that need the real command, the benchmarks and the screenshots.

    server = serve(home, "--log-level", "warning", env={"CLEARANCE_FOUR_EYES": "1"})
    ... httpx.get(f"{server.base}/search", ...) ...
    server.stop()

The server's standard error goes to a log file beside the home, quoted when it does not start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def output(self, tail: int = 3000) -> str:
        """The end of what the server wrote to standard error."""
        return self.log.read_text(encoding="utf-8", errors="replace")[-tail:]

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Wait until ``/readyz`` answers 200; stop the server and raise if it exits first or
        takes longer than ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clearance serve exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"clearance serve did not become ready:\n{self.output()}")

    def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited after ``timeout`` seconds; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def serve(
    home: Path,
    *options: str,
    env: Mapping[str, str] | None = None,
    database: str = "",
    python: str = sys.executable,
    log: Path | None = None,
    cwd: Path | None = None,
    wait: float | None = 180.0,
) -> Served:
    """Start ``clearance [--database URL] serve --port PORT OPTIONS`` with ``CLEARANCE_HOME``
    set to ``home`` and ``env`` over this process's environment (less its
    ``CLEARANCE_DATABASE_URL``: the store is ``home``'s, or ``database``), and (unless ``wait``
    is None) wait up to ``wait`` seconds for it to be ready. ``python`` runs it (another
    build's interpreter, for a baseline)."""
    port = free_port()
    environment = dict(os.environ)
    environment.pop("CLEARANCE_DATABASE_URL", None)  # the store is ``home``'s or ``database``
    environment.update({**(env or {}), "CLEARANCE_HOME": str(home)})
    command = [python, "-m", "clearance"]
    if database:
        command += ["--database", database]
    command += ["serve", "--port", str(port), *options]
    home.mkdir(parents=True, exist_ok=True)
    log = log or home.parent / f"serve-{port}.log"
    with log.open("wb") as err:  # the child keeps its own descriptor
        process = subprocess.Popen(
            command, env=environment, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err
        )
    served = Served(process, f"http://127.0.0.1:{port}", log)
    if wait is not None:
        served.wait_ready(wait)
    return served
