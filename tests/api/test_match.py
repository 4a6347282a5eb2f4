"""/match speaks yente's protocol: a request built as yente documents it is answered right."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ApiEnv

#: the example of yente's documentation
YENTE_EXAMPLE = {
    "queries": {
        "q1": {
            "schema": "Person",
            "properties": {"name": ["Arkadiii Romanovich Rotenberg"], "birthDate": ["1951"]},
        }
    }
}
#: yente's ScoredEntityResponse fields (clearance adds ``features`` and ``listings``)
YENTE_RESULT_FIELDS = {
    "id", "caption", "schema", "properties", "datasets", "referents", "target",
    "first_seen", "last_seen", "last_change", "score", "match", "explanations",
}  # fmt: skip


def match(env: ApiEnv, body: dict[str, Any], path: str = "/match/default", **params: Any) -> Any:
    return env.client.post(path, json=body, params=params, headers=env.auth())


def test_yente_documented_example_finds_the_person(env: ApiEnv) -> None:
    response = match(env, YENTE_EXAMPLE)
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"responses", "limit"} and data["limit"] == 5
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200
    top = q1["results"][0]
    assert top["id"] == "test-a:9647" and top["schema"] == "Person"
    assert top["match"] is True and top["score"] > 0.8
    assert q1["total"] == {"value": sum(r["match"] for r in q1["results"]), "relation": "eq"}
    assert q1["query"] == {"id": None, **YENTE_EXAMPLE["queries"]["q1"]}
    assert response.headers["x-batch-size"] == "1"


def test_results_have_yente_fields_in_ftm_shape(env: ApiEnv) -> None:
    top = match(env, YENTE_EXAMPLE).json()["responses"]["q1"]["results"][0]
    assert set(top) - {"features", "listings"} == YENTE_RESULT_FIELDS
    assert top["properties"]["birthDate"] == ["1951-12-15"]
    assert "Arkadii Romanovich Rotenberg" in top["properties"]["alias"]
    assert top["datasets"] == ["test-a"] and top["target"] is True
    for name, explanation in top["explanations"].items():
        assert set(explanation) == {"score", "detail"}
        assert top["features"][name] == explanation["score"]
    assert top["listings"][0]["list"] == "SDN"


def test_batch_answers_every_query_by_its_key(env: ApiEnv) -> None:
    body = {
        "queries": {
            "a": {"schema": "Company", "properties": {"name": "Northwind Arms Trading LLC"}},
            "b": {"schema": "Person", "properties": {"name": ["Nobody Atall Unlisted"]}},
        }
    }
    data = match(env, body).json()["responses"]
    assert data["a"]["results"][0]["id"] == "test-a:101"
    assert data["b"]["results"] == [] and data["b"]["total"]["value"] == 0
    assert data["a"]["query"]["properties"]["name"] == ["Northwind Arms Trading LLC"]


def test_dataset_scopes_the_search(env: ApiEnv) -> None:
    body = {
        "queries": {"q": {"schema": "Company", "properties": {"name": ["Northwind Arms Trading"]}}}
    }
    everywhere = {r["id"] for r in match(env, body).json()["responses"]["q"]["results"]}
    assert {"test-a:101", "test-b:2"} <= everywhere
    only_b = match(env, body, path="/match/test-b").json()["responses"]["q"]["results"]
    assert {r["id"] for r in only_b} == {"test-b:2"}
    excluded = match(env, body, exclude_dataset="test-b").json()["responses"]["q"]["results"]
    assert "test-b:2" not in {r["id"] for r in excluded}
    included = match(env, body, include_dataset="test-b").json()["responses"]["q"]["results"]
    assert {r["id"] for r in included} == {"test-b:2"}


def test_unknown_dataset_is_404_json(env: ApiEnv) -> None:
    response = match(env, YENTE_EXAMPLE, path="/match/no-such-list")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_limit_threshold_and_excluded_ids(env: ApiEnv) -> None:
    body = {
        "queries": {"q": {"schema": "Company", "properties": {"name": ["Northwind Arms Trading"]}}}
    }
    one = match(env, body, limit=1).json()
    assert one["limit"] == 1 and len(one["responses"]["q"]["results"]) == 1
    best = one["responses"]["q"]["results"][0]["id"]
    rest = match(env, body, exclude_entity_ids=best).json()["responses"]["q"]["results"]
    assert best not in {r["id"] for r in rest} and rest
    strict = match(env, body, threshold=0.999).json()["responses"]["q"]["results"]
    assert all(r["score"] >= 0.999 for r in strict)


@pytest.mark.parametrize("algorithm", ["best", "logic-v2", "balanced", "strict"])
def test_yente_and_profile_algorithm_names_are_accepted(env: ApiEnv, algorithm: str) -> None:
    response = match(env, YENTE_EXAMPLE, algorithm=algorithm)
    assert response.status_code == 200
    assert response.json()["matcher"]["name"] in {"balanced", "strict"}


def test_unknown_algorithm_is_400(env: ApiEnv) -> None:
    response = match(env, YENTE_EXAMPLE, algorithm="magic")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_input"


@pytest.mark.parametrize(
    "body",
    [
        {"queries": {}},
        {"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1951"]}}}},
        {"queries": {"q": {"schema": "Person", "properties": {"name": ["x" * 1001]}}}},
        {"queries": {"q": {"schema": "Person", "properties": {"name": ["x" * 101]}}}},
    ],
    ids=["no-queries", "no-name", "name-too-long", "word-too-long"],
)
def test_unusable_queries_are_400(env: ApiEnv, body: dict[str, Any]) -> None:
    response = match(env, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_input"


def test_an_unscreenable_schema_is_screened_as_a_legal_entity_with_a_warning(env: ApiEnv) -> None:
    body = {"queries": {"q": {"schema": "Ownership", "properties": {"name": ["Ivan Sidorov"]}}}}
    response = match(env, body)
    assert response.status_code == 200
    assert "not known" in response.json()["responses"]["q"]["warnings"][0]


def test_changed_since_keeps_entities_changed_after_the_date(env: ApiEnv) -> None:
    assert match(env, YENTE_EXAMPLE, changed_since="2026-10-01").json()["responses"]["q1"][
        "results"
    ]
    later = match(env, YENTE_EXAMPLE, changed_since="2026-12-01").json()
    assert later["responses"]["q1"]["results"] == []


def test_excluded_schemata_are_dropped(env: ApiEnv) -> None:
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Northwind Arms"]}}}}
    every = match(env, body, threshold=0.3).json()["responses"]["q"]["results"]
    assert any(r["schema"] == "Company" for r in every)
    results = match(env, body, exclude_schema="Company", threshold=0.3).json()["responses"]["q"]
    assert all(r["schema"] != "Company" for r in results["results"])


def test_results_carry_the_dates_the_entity_page_gives(env: ApiEnv) -> None:
    top = match(env, YENTE_EXAMPLE).json()["responses"]["q1"]["results"][0]
    page = env.client.get(f"/entities/{top['id']}", headers=env.auth()).json()
    assert top["first_seen"] and top["last_change"]
    assert (top["first_seen"], top["last_change"]) == (page["first_seen"], page["last_change"])


def test_total_counts_every_match_not_only_the_page(env: ApiEnv) -> None:
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Northwind Arms"]}}}}
    everything = match(env, body, limit=100).json()["responses"]["q"]
    page = match(env, body, limit=1).json()["responses"]["q"]
    matches = sum(r["match"] for r in everything["results"])
    assert matches == 2 and len(page["results"]) == 1
    assert page["total"]["value"] == everything["total"]["value"] == matches


def test_cutoff_returns_candidates_under_the_threshold_marked_as_no_match(env: ApiEnv) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Rotenberg"]}}}}
    strict = match(env, body).json()["responses"]["q"]
    assert strict["results"] == [] and strict["total"]["value"] == 0
    loose = match(env, body, cutoff=0.1).json()["responses"]["q"]
    assert loose["results"][0]["id"] == "test-a:9647" and loose["results"][0]["match"] is False
    assert loose["total"]["value"] == 0
