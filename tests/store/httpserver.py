"""A real local HTTP server for download tests: serves files case-insensitively by name.

Each request for a file consumes the next scripted behaviour for that file, if any:

``"500"``      answer HTTP 500
``"truncate"`` announce the full Content-Length, send half the body, close the connection
``"hang"``     wait ``hang_seconds`` before answering (to trigger client timeouts)

Without a script a file is served whole, with an ETag and Last-Modified, honouring
``If-None-Match`` with 304 Not Modified.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"


@dataclass
class FileServer:
    files: dict[str, bytes] = field(default_factory=dict)
    script: dict[str, list[str]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    hang_seconds: float = 1.0
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/exports/"

    def put(self, name: str, content: bytes | Path) -> None:
        data = content.read_bytes() if isinstance(content, Path) else content
        self.files[name.lower()] = data

    def put_dir(self, folder: Path) -> None:
        for path in folder.iterdir():
            if path.is_file():
                self.put(path.name, path)

    def then(self, name: str, *behaviours: str) -> None:
        self.script.setdefault(name.lower(), []).extend(behaviours)

    def requests_for(self, name: str) -> list[dict[str, str]]:
        return [headers for path, headers in self.requests if path == name.lower()]


def _handler(state: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            name = self.path.rsplit("/", 1)[-1].lower()
            state.requests.append((name, {k.lower(): v for k, v in self.headers.items()}))
            queue = state.script.get(name) or []
            behaviour = queue.pop(0) if queue else "ok"
            if behaviour == "hang":
                time.sleep(state.hang_seconds)
            body = state.files.get(name)
            if behaviour == "500" or body is None:
                self.send_response(500 if behaviour == "500" else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            try:
                self.wfile.write(body[: len(body) // 2] if behaviour == "truncate" else body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                return

    return Handler


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    state = FileServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
