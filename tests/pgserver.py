"""A throwaway PostgreSQL server for the tests, from Debian's binaries.

``CLEARANCE_TEST_POSTGRES_URL`` names a server to use instead (its user must be allowed to
create databases). Otherwise the newest ``/usr/lib/postgresql/*/bin`` is used: ``initdb`` into
a temporary folder, ``pg_ctl`` starts it on a free local port with its socket in that folder,
and it is stopped and removed at the end of the session. PostgreSQL refuses to run as root:
as root the server runs as the ``postgres`` user of the package (``runuser``).

Each test gets a database of its own (:meth:`PostgresServer.database`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from itertools import count
from pathlib import Path

import psycopg

ENV_URL = "CLEARANCE_TEST_POSTGRES_URL"


def binaries() -> Path | None:
    """The folder of the newest installed PostgreSQL server binaries, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    """A server and the URL of a user who may create databases on it."""

    def __init__(self, url: str, folder: Path | None = None, bin_dir: Path | None = None) -> None:
        self.url = url
        self.folder = folder
        self.bin_dir = bin_dir
        self._names = count(1)

    @classmethod
    def start(cls, bin_dir: Path) -> PostgresServer:
        folder = Path(tempfile.mkdtemp(prefix="clearance-pg-"))
        as_root = os.geteuid() == 0
        if as_root:
            shutil.chown(folder, "postgres", "postgres")
        data = folder / "data"
        port = _free_port()

        def run(*args: str) -> None:
            command = [*(["runuser", "-u", "postgres", "--"] if as_root else []), *args]
            subprocess.run(command, check=True, capture_output=True, cwd=folder)

        run(
            str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "clearance", "-E", "UTF8"
        )
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
            "-w", "start")  # fmt: skip
        return cls(f"postgresql://clearance@127.0.0.1:{port}/postgres", folder, bin_dir)

    def stop(self) -> None:
        if self.folder is None or self.bin_dir is None:
            return
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                   "stop"]  # fmt: skip
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=False, capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def database(self) -> str:
        """The URL of a new, empty database on this server."""
        name = f"clearance_test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        base, _, _ = self.url.rpartition("/")
        return f"{base}/{name}"

    def drop(self, url: str) -> None:
        name = url.rpartition("/")[2]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server() -> PostgresServer | None:
    """The server the tests use: the one named by the environment, else a throwaway one
    (None when neither is available)."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return PostgresServer(url)
    bin_dir = binaries()
    return None if bin_dir is None else PostgresServer.start(bin_dir)
