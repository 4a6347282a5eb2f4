"""Limits and failures: every one answered with a JSON error and a stable code, never a trace."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clearance.model import Query
from clearance.server import create_app
from clearance.settings import Settings
from tests.api.conftest import TestClient, build_env, load_store, make_keys, open_screener

MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Sidorov"]}}}}


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Any]:
    yield from build_env(
        tmp_path / "home",
        api_rate_per_minute=60,
        api_rate_burst=3,
        api_max_body_bytes=2000,
        api_max_batch=3,
    )


def _error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == code
    assert "Traceback" not in response.text


def test_rate_limit_is_per_key_with_retry_after(limited: Any) -> None:
    for _ in range(3):
        assert limited.client.get("/sources", headers=limited.auth()).status_code == 200
    response = limited.client.get("/sources", headers=limited.auth())
    _error(response, 429, "limit_exceeded")
    assert int(response.headers["retry-after"]) >= 1
    assert limited.client.get("/sources", headers=limited.auth("analyst")).status_code == 200


def test_body_over_the_limit_is_413(limited: Any) -> None:
    big = {"queries": {"q": {"schema": "Person", "properties": {"name": ["x" * 3000]}}}}
    _error(
        limited.client.post("/match/default", json=big, headers=limited.auth()), 413, "too_large"
    )


def test_streamed_body_over_the_limit_is_413(limited: Any) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["'
        for _ in range(30):
            yield b"y" * 100
        yield b'"]}}}}'

    response = limited.client.post(
        "/match/default",
        content=chunks(),
        headers={**limited.auth(), "Content-Type": "application/json"},
    )
    _error(response, 413, "too_large")


def test_batches_over_the_limit_are_413(limited: Any) -> None:
    rows = [{"name": f"Person {i}"} for i in range(4)]
    _error(
        limited.client.post("/screen", json={"rows": rows}, headers=limited.auth()),
        413,
        "too_large",
    )
    queries = {f"q{i}": {"schema": "Person", "properties": {"name": [f"P {i}"]}} for i in range(4)}
    response = limited.client.post(
        "/match/default", json={"queries": queries}, headers=limited.auth()
    )
    _error(response, 413, "too_large")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"queries": "q"}', "application/json"),
        (b'{"queries": {"q": {"properties": {"name": ["x"]}}}}', "application/json"),
        (b"", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["\\ud800abc"]}}}}',
         "application/json"),
        (b'{"rows": [], "threshold": false}', "application/json"),
    ],
    ids=["not-json", "wrong-type", "no-schema", "empty", "array", "lone-surrogate",
         "boolean-threshold"],
)  # fmt: skip
def test_malformed_bodies_are_422(env: Any, content: bytes, content_type: str) -> None:
    path = "/screen" if b"rows" in content else "/match/default"
    response = env.client.post(
        path, content=content, headers={**env.auth(), "Content-Type": content_type}
    )
    _error(response, 422, "invalid_request")


@pytest.mark.parametrize("path", ["/match/default", "/screen", "/keys"])
def test_a_body_that_is_not_json_is_415(env: Any, path: str) -> None:
    response = env.client.post(
        path,
        content=b"queries=1",
        headers={**env.auth("admin"), "Content-Type": "application/x-www-form-urlencoded"},
    )
    _error(response, 415, "unsupported_media_type")


def test_the_rate_limit_counts_queries_not_requests(tmp_path: Path) -> None:
    for env in build_env(tmp_path / "home", api_rate_per_minute=60, api_rate_burst=10):
        rows = [{"name": f"Person {i}"} for i in range(6)]
        assert (
            env.client.post("/screen", json={"rows": rows}, headers=env.auth()).status_code == 200
        )
        queries = {f"q{i}": {"schema": "Person", "properties": {"name": ["P"]}} for i in range(6)}
        response = env.client.post("/match/default", json={"queries": queries}, headers=env.auth())
        _error(response, 429, "limit_exceeded")
        # a batch larger than the burst could never pass: refused as too large
        rows = [{"name": f"Person {i}"} for i in range(11)]
        response = env.client.post("/screen", json={"rows": rows}, headers=env.auth("analyst"))
        _error(response, 413, "too_large")


def test_bad_query_parameters_are_422(env: Any) -> None:
    response = env.client.post(
        "/match/default", json=MATCH, params={"limit": "many"}, headers=env.auth()
    )
    _error(response, 422, "invalid_request")
    response = env.client.get("/search", params={"q": "x", "limit": 0}, headers=env.auth())
    _error(response, 422, "invalid_request")


def test_unknown_route_and_wrong_method(env: Any) -> None:
    _error(env.client.get("/nowhere", headers=env.auth()), 404, "not_found")
    _error(env.client.get("/match/default", headers=env.auth()), 405, "method_not_allowed")


class Wrapped:
    """A screener whose searches are changed; everything else is the real one's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class Exploding(Wrapped):
    def search(self, query: Query, **kwargs: Any) -> list[Any]:
        raise RuntimeError("secret internal detail")


class Slow(Wrapped):
    def search(self, query: Query, **kwargs: Any) -> list[Any]:
        time.sleep(0.6)
        return self.inner.search(query, **kwargs)  # type: ignore[no-any-return]


def _app_with(tmp_path: Path, wrap: Any, **settings: Any) -> tuple[TestClient, dict[str, str]]:
    conf = Settings(home=tmp_path / "home", **settings)
    store = load_store(conf)
    screener = wrap(open_screener(conf, store))
    keys = make_keys(conf)
    app = create_app(conf, store=store, screener=screener, screener_factory=lambda p: screener)
    return TestClient(app, raise_server_exceptions=False), {
        "Authorization": f"Bearer {keys['screener']}"
    }


def test_unexpected_errors_are_500_internal_and_logged(tmp_path: Path, caplog: Any) -> None:
    client, auth = _app_with(tmp_path, Exploding)
    with client, caplog.at_level(logging.ERROR, logger="clearance.api"):
        response = client.post("/match/default", json=MATCH, headers=auth)
    _error(response, 500, "internal")
    assert "secret internal detail" not in response.text
    assert any(r.exc_info for r in caplog.records if r.name == "clearance.api")


def test_slow_requests_get_504_timeout(tmp_path: Path) -> None:
    client, auth = _app_with(tmp_path, Slow, api_request_timeout=0.2)
    with client:
        response = client.post(
            "/match/default", json=MATCH, headers={**auth, "X-Request-ID": "slow-1 <b>"}
        )
        _error(response, 504, "timeout")
        assert response.headers["x-client-request-id"] == "slow-1b"
        rows = [{"name": "Ivan Sidorov"}] * 3
        _error(client.post("/screen", json={"rows": rows}, headers=auth), 504, "timeout")


def test_a_timed_out_batch_stops_screening(tmp_path: Path) -> None:
    # the client has its 504: the queries after the deadline are not screened for nobody
    calls: list[str] = []

    class Counting(Slow):
        def search(self, query: Query, **kwargs: Any) -> list[Any]:
            calls.append(query.name)
            return super().search(query, **kwargs)

    client, auth = _app_with(tmp_path, Counting, api_request_timeout=0.2)
    queries = {f"q{i}": {"schema": "Person", "properties": {"name": [f"P {i}"]}} for i in range(8)}
    with client:
        response = client.post("/match/default", json={"queries": queries}, headers=auth)
        _error(response, 504, "timeout")
        time.sleep(2.0)
    assert 1 <= len(calls) <= 2
