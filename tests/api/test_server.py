"""The API as a real server on loopback: uvicorn in a thread, and `clearance serve` in a process."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import uvicorn

from clearance.server import create_app
from clearance.settings import Settings
from tests.api.conftest import load_store, make_keys, open_screener
from tests.api.test_match import YENTE_EXAMPLE
from tests.serving import free_port, serve


class Served:
    def __init__(self, base: str, keys: dict[str, str]) -> None:
        self.base = base
        self.keys = keys

    def auth(self, role: str = "screener") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    settings = Settings(
        home=tmp_path_factory.mktemp("served") / "home",
        api_max_body_bytes=4000,
        api_rate_per_minute=0,
    )
    store = load_store(settings)
    screener = open_screener(settings, store)
    keys = make_keys(settings)
    app = create_app(settings, store=store, screener=screener)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        root_path="/lists",
        http="clearance.api.protocol:NoDelayHTTPProtocol",  # as `clearance serve` runs it
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    yield Served(f"http://127.0.0.1:{port}", keys)
    server.should_exit = True
    thread.join(10)
    store.close()


def test_yente_example_over_http_on_one_kept_alive_connection(served: Served) -> None:
    with httpx.Client(base_url=served.base, headers=served.auth()) as client:
        for _ in range(3):
            response = client.post("/match/default", json=YENTE_EXAMPLE)
            assert response.status_code == 200
            top = response.json()["responses"]["q1"]["results"][0]
            assert top["id"] == "test-a:9647" and top["match"] is True
        assert response.headers["x-request-id"]


def test_auth_failures_over_http(served: Served) -> None:
    with httpx.Client(base_url=served.base) as client:
        assert client.post("/match/default", json=YENTE_EXAMPLE).status_code == 401
        wrong = client.post(
            "/match/default", json=YENTE_EXAMPLE, headers={"Authorization": "Bearer nope"}
        )
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
        low = client.get("/entities/test-a:9647/history", headers=served.auth())
        assert low.status_code == 403 and low.json()["error"]["code"] == "forbidden"


def test_limits_and_malformed_bodies_over_http(served: Served) -> None:
    with httpx.Client(base_url=served.base, headers=served.auth()) as client:
        big = {"queries": {"q": {"schema": "Person", "properties": {"name": ["n" * 5000]}}}}
        assert client.post("/match/default", json=big).json()["error"]["code"] == "too_large"

        def chunks() -> Iterator[bytes]:
            yield b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["'
            yield b"m" * 5000
            yield b'"]}}}}'

        streamed = client.post(
            "/match/default", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        broken = client.post(
            "/match/default", content=b'{"queries": {', headers={"Content-Type": "application/json"}
        )
        assert broken.status_code == 422 and broken.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize(
    "request_bytes",
    [b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"],
    ids=["no-request-line", "broken-header"],
)
def test_what_the_http_parser_refuses_is_a_json_error(served: Served, request_bytes: bytes) -> None:
    host, port = served.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request_bytes)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head.lower()
    assert orjson.loads(body)["error"]["code"] == "bad_request"


def test_root_path_for_a_reverse_proxy(served: Served) -> None:
    """The proxy strips the prefix; the app names it in the URLs it documents."""
    spec = httpx.get(f"{served.base}/openapi.json").json()
    assert spec["servers"] == [{"url": "/lists"}]
    assert httpx.get(f"{served.base}/healthz").status_code == 200


@pytest.mark.slow
def test_clearance_serve_runs_logs_json_and_stops_on_sigterm(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    load_store(settings).close()
    keys = make_keys(settings)
    server = serve(settings.home, wait=60)
    try:
        headers = {"Authorization": f"ApiKey {keys['screener']}"}
        response = httpx.post(f"{server.base}/match/default", json=YENTE_EXAMPLE, headers=headers)
        assert response.status_code == 200
        assert response.json()["responses"]["q1"]["results"][0]["id"] == "test-a:9647"
    finally:
        returncode = server.stop(30)
    stderr = server.log.read_bytes()
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status reports it
    assert returncode in (0, -signal.SIGTERM)
    lines: list[dict[str, Any]] = [orjson.loads(line) for line in stderr.splitlines() if line]
    assert any("Finished server process" in line["message"] for line in lines)
    access = [line for line in lines if line.get("path") == "/match/default"]
    assert access and access[0]["status"] == 200 and access[0]["key"] == "test-screener"
    assert all("time" in line and "level" in line for line in lines)
