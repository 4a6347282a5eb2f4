"""Findings through ownership over HTTP: /match, /screen and /search carry them on the hits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clearance.exposure import screener_from_store
from clearance.exposure.resolve import unlisted_party
from clearance.server import create_app
from clearance.settings import Settings
from clearance.store.ownership import OwnershipImport, OwnershipLink
from tests.api.conftest import ApiEnv, TestClient, load_store, make_keys


@pytest.fixture(scope="module")
def owned_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiEnv]:
    """The test lists, plus an ownership file: an SDN (test-a:101) owns 75% of a company on
    no list."""
    settings = Settings(home=tmp_path_factory.mktemp("api") / "home", api_rate_per_minute=0)
    store = load_store(settings)
    party = unlisted_party("Quillfeather Components GmbH")
    store.ownership.write(
        OwnershipImport(
            name="links",
            file="links.csv",
            content_hash="x",
            links=[OwnershipLink(1, "test-a:101", party.id, 75.0, "2024-01-01")],
            parties=[party],
        )
    )
    keys = make_keys(settings)
    app = create_app(
        settings,
        store=store,
        screener=screener_from_store(store, settings),
        screener_factory=lambda profile: screener_from_store(store, settings, profile),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield ApiEnv(settings, app, client, keys)
    store.close()


def test_match_carries_findings(owned_env: ApiEnv) -> None:
    query = {"schema": "Company", "properties": {"name": ["Quillfeather Components"]}}
    response = owned_env.client.post(
        "/match/default", json={"queries": {"q1": query}}, headers=owned_env.auth()
    )
    assert response.status_code == 200
    [result] = response.json()["responses"]["q1"]["results"]
    assert result["id"] == "ownership:quillfeather-components-gmbh"
    [finding] = result["findings"]
    assert (finding["basis"], finding["rule"], finding["status"]) == (
        "ownership",
        "ofac-50-percent",
        "in-force",
    )
    assert finding["owners"] == [
        {
            "entity_id": "test-a:101",
            "name": "Northwind Arms Trading LLC",
            "share": 75.0,
            "lists": ["SDN"],
        }
    ]


def test_screen_and_search_carry_findings(owned_env: ApiEnv) -> None:
    rows = [{"reference": "v1", "name": "Quillfeather Components GmbH"}]
    response = owned_env.client.post("/screen", json={"rows": rows}, headers=owned_env.auth())
    [hit] = response.json()["results"][0]["matches"]
    assert hit["lists"] == [] and hit["findings"][0]["effect"]["code"] == "blocking"
    found = owned_env.client.get(
        "/search", params={"q": "Quillfeather Components"}, headers=owned_env.auth()
    ).json()
    assert found["results"][0]["findings"][0]["share"] == 75.0


def test_a_listed_hit_without_owners_is_unchanged(owned_env: ApiEnv) -> None:
    rows = [{"reference": "v1", "name": "Northwind Arms Trading LLC"}]
    response = owned_env.client.post("/screen", json={"rows": rows}, headers=owned_env.auth())
    hits = response.json()["results"][0]["matches"]
    assert hits[0]["entity_id"] == "test-a:101" and "findings" not in hits[0]


def test_the_rules_are_read_for_the_day_asked(owned_env: ApiEnv) -> None:
    # the 75% share is known from 2024-01-01: before it the party takes nothing, and a party on
    # no list that takes nothing is no hit
    query = {"schema": "Company", "properties": {"name": ["Quillfeather Components"]}}
    body = {"queries": {"q1": query}}
    for day, found in (("2023-06-01", False), ("2024-06-01", True)):
        response = owned_env.client.post(
            "/match/default", json=body, params={"as_of": day}, headers=owned_env.auth()
        )
        assert bool(response.json()["responses"]["q1"]["results"]) is found, day
        rows = {"rows": [{"name": "Quillfeather Components GmbH"}], "as_of": day}
        screened = owned_env.client.post("/screen", json=rows, headers=owned_env.auth()).json()
        assert bool(screened["results"][0]["matches"]) is found, day
        searched = owned_env.client.get(
            "/search", params={"q": "Quillfeather Components", "as_of": day},
            headers=owned_env.auth(),
        ).json()  # fmt: skip
        assert bool(searched["results"]) is found, day
    assert (
        owned_env.client.post(
            "/match/default", json=body, params={"as_of": "2024-6-1"}, headers=owned_env.auth()
        ).status_code
        == 422
    )
