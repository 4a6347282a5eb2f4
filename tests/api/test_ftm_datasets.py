"""FollowTheMoney datasets side by side: each is its own /match scope and /sources entry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from clearance.catalog import load
from clearance.server import create_app
from clearance.settings import Settings
from clearance.store import Store
from tests.api.conftest import ApiEnv, TestClient, make_keys, open_screener
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def ftm_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiEnv]:
    settings = Settings(home=tmp_path_factory.mktemp("ftm") / "home", api_rate_per_minute=0)
    store = Store.open(settings)
    export = FIXTURES / "ftm" / "entities.ftm.json"
    for dataset in ("alpha_sanctions", "beta_peps"):
        assert load(store, "ftm", export, dataset=dataset).status == "imported"
    screener = open_screener(settings, store)
    app = create_app(
        settings,
        store=store,
        screener=screener,
        screener_factory=lambda profile: open_screener(settings, store, profile),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield ApiEnv(settings, app, client, make_keys(settings))
    store.close()


def _match(env: ApiEnv, scope: str) -> Any:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Example"]}}}}
    return env.client.post(f"/match/{scope}", json=body, headers=env.auth())


def test_each_dataset_is_a_match_scope(ftm_env: ApiEnv) -> None:
    everywhere = _match(ftm_env, "default").json()["responses"]["q"]["results"]
    assert {r["id"] for r in everywhere} >= {"ftm:alpha_sanctions:p1", "ftm:beta_peps:p1"}
    only = _match(ftm_env, "ftm:beta_peps").json()["responses"]["q"]["results"]
    assert only and {r["id"].rsplit(":", 1)[0] for r in only} == {"ftm:beta_peps"}
    assert _match(ftm_env, "ftm:gamma").status_code == 404


def test_sources_lists_each_dataset_with_its_own_version(ftm_env: ApiEnv) -> None:
    response = ftm_env.client.get("/sources", headers=ftm_env.auth())
    assert response.status_code == 200
    data = response.json()
    rows = data["sources"] if isinstance(data, dict) else data
    by_source = {row["source"]: row for row in rows}
    assert by_source["ftm:alpha_sanctions"]["version"] == "1"
    assert by_source["ftm:beta_peps"]["title"] == "FollowTheMoney dataset beta_peps"
