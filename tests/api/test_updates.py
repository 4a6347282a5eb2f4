"""List updates reach a running server: through POST /sources/{id}/update, or from outside."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from clearance.api import state
from clearance.catalog import import_dataset
from clearance.index import ensure_index
from clearance.server import create_app
from clearance.settings import Settings
from clearance.sources.base import Dataset
from clearance.store import Store, open_database
from clearance.store.audit import AuditLog
from tests.api.conftest import (
    ApiEnv,
    ListB,
    TestClient,
    _entity,
    list_b,
    load_store,
    make_keys,
    open_screener,
)

NEW_NAME = "Crimson Lantern Shipping Company"
QUERY = {"queries": {"q": {"schema": "Company", "properties": {"name": [NEW_NAME]}}}}


def import_new_version(settings: Settings) -> dict[str, Any]:
    """What an update does: a new version of test-b, with one more entity; index refreshed."""
    entities = [*list_b(), _entity("test-b", "3", "Company", [NEW_NAME], country="pa")]
    dataset = Dataset(
        source="test-b", entities=entities, format="test", published="2026-11-20",
        content_hash="hash-test-b-2",
    )  # fmt: skip
    with Store.open(settings) as store:
        version = import_dataset(store, dataset, source=ListB())
        ensure_index(store, settings.index_dir)
    return {"source": "test-b", "status": "imported", "version": version.id}


@pytest.fixture
def updatable(tmp_path: Path) -> Iterator[ApiEnv]:
    settings = Settings(home=tmp_path / "home", api_rate_per_minute=0)
    store = load_store(settings)
    keys = make_keys(settings)

    def updater(source_id: str) -> Mapping[str, Any]:
        return import_new_version(settings)

    app = create_app(
        settings,
        store=store,
        screener=open_screener(settings, store),
        screener_factory=lambda profile: open_screener(settings, store, profile),
        updater=updater,
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield ApiEnv(settings, app, client, keys)
    store.close()


def found(env: ApiEnv) -> list[str]:
    response = env.client.post("/match/default", json=QUERY, headers=env.auth())
    return [r["id"] for r in response.json()["responses"]["q"]["results"]]


def searched(env: ApiEnv) -> list[str]:
    response = env.client.get("/search", params={"q": NEW_NAME}, headers=env.auth())
    return [r["id"] for r in response.json()["results"]]


def test_update_endpoint_switches_screening_to_the_new_version(updatable: ApiEnv) -> None:
    assert "test-b:3" not in found(updatable)
    before = updatable.client.get("/sources", headers=updatable.auth()).json()["sources"]
    response = updatable.client.post("/sources/test-b/update", headers=updatable.auth("admin"))
    assert response.status_code == 200 and response.json()["status"] == "imported"
    assert found(updatable)[0] == "test-b:3"
    after = updatable.client.get("/sources", headers=updatable.auth()).json()["sources"]
    versions = {s["source"]: s["version"] for s in after}
    assert versions["test-b"] != {s["source"]: s["version"] for s in before}["test-b"]
    assert {s["source"]: s["published"] for s in after}["test-b"] == "2026-11-20"
    audit = AuditLog(open_database(updatable.settings.database_location))
    latest = audit.entries(limit=1)[0]
    assert latest.versions == versions and latest.results[0]["id"] == "test-b:3"


def test_an_update_made_elsewhere_is_picked_up(
    updatable: ApiEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state, "STATE_CHECK_SECONDS", 0.0)
    assert "test-b:3" not in found(updatable)
    import_new_version(updatable.settings)  # as `clearance update` in another process would
    deadline = time.monotonic() + 20
    # /search alone (no other endpoint called) picks the new version up too
    while "test-b:3" not in searched(updatable):
        assert time.monotonic() < deadline, "the server kept searching the old version"
        time.sleep(0.05)
    while "test-b:3" not in found(updatable):
        assert time.monotonic() < deadline, "the server kept screening the old version"
        time.sleep(0.05)
