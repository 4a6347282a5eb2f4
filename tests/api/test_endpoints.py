"""Search, screen, entities, sources, health, the audit trail, logs and the OpenAPI document."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest
from openapi_spec_validator import validate

from clearance.api.logs import JsonFormatter
from clearance.store import open_database
from clearance.store.audit import AuditLog
from tests.api.conftest import ApiEnv


def test_search_finds_by_name_and_filters(env: ApiEnv) -> None:
    get = env.client.get
    data = get("/search", params={"q": "Northwind Arms Trading"}, headers=env.auth()).json()
    ids = [r["id"] for r in data["results"]]
    assert {"test-a:101", "test-b:2"} <= set(ids)
    assert data["total"]["value"] == len(ids) and data["limit"] == 10
    by_country = get(
        "/search", params={"q": "Northwind Arms Trading", "countries": "ae"}, headers=env.auth()
    ).json()
    assert [r["id"] for r in by_country["results"]] == ["test-b:2"]
    by_list = get(
        "/search", params={"q": "Northwind Arms Trading", "datasets": "test-a"}, headers=env.auth()
    ).json()
    assert [r["id"] for r in by_list["results"]] == ["test-a:101"]
    people = get(
        "/search", params={"q": "Northwind Arms Trading", "schema": "Person"}, headers=env.auth()
    ).json()
    assert people["results"] == []


def test_screen_answers_rows_in_order_with_references(env: ApiEnv) -> None:
    rows = [
        {"name": "Arkadii Rotenberg", "schema": "Person", "reference": "r1", "birth_date": "1951"},
        {"name": "Totally Unlisted Gardening", "reference": "r2"},
        {"name": "Blue Harbor Electronics", "country": "cn", "reference": "r3"},
    ]
    response = env.client.post("/screen", json={"rows": rows}, headers=env.auth())
    assert response.status_code == 200
    data = response.json()
    assert [r["reference"] for r in data["results"]] == ["r1", "r2", "r3"]
    assert data["results"][0]["matches"][0]["entity_id"] == "test-a:9647"
    assert data["results"][1]["matches"] == []
    assert data["results"][2]["matches"][0]["entity_id"] == "test-b:1"
    assert set(data["versions"]) == {"test-a", "test-b"} and data["profile"] == "balanced"


def test_screen_rejects_unknown_row_fields(env: ApiEnv) -> None:
    response = env.client.post("/screen", json={"rows": [{"nam": "x"}]}, headers=env.auth())
    assert response.status_code == 422


def test_entity_and_its_history(env: ApiEnv) -> None:
    entity = env.client.get("/entities/test-a:9647", headers=env.auth("analyst")).json()
    assert entity["caption"] == "Arkady Romanovich ROTENBERG"
    assert entity["first_seen"] == "2026-11-01" and entity["last_seen"] == "2026-11-01"
    history = env.client.get("/entities/test-a:9647/history", headers=env.auth("analyst")).json()
    assert history["entity"]["id"] == "test-a:9647"
    assert [e["change"] for e in history["history"]] == ["added"]
    missing = env.client.get("/entities/test-a:nope", headers=env.auth("analyst"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_sources_lists_active_versions(env: ApiEnv) -> None:
    data = env.client.get("/sources", headers=env.auth()).json()["sources"]
    assert [s["source"] for s in data] == ["test-a", "test-b"]
    assert data[0]["entities"] == 33 and data[1]["entities"] == 2
    assert data[0]["published"] == "2026-11-01" and data[0]["version"]


def test_health_and_readiness(env: ApiEnv) -> None:
    assert env.client.get("/healthz").json()["status"] == "ok"
    ready = env.client.get("/readyz").json()
    assert ready["status"] == "ok" and ready["checks"]["store"].startswith("ok")


def test_readiness_fails_when_the_store_fails(env: ApiEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    services = env.app.state.services

    def broken() -> Any:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(services.state.store, "active_versions", broken)
    response = env.client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_every_screening_is_audited(env: ApiEnv) -> None:
    body = {
        "queries": {
            "q1": {"schema": "Person", "properties": {"name": ["Arkadii Rotenberg"]}},
            "q2": {"schema": "Person", "properties": {"name": ["Unlisted Someone Else"]}},
        }
    }
    response = env.client.post("/match/default", json=body, headers=env.auth())
    request_id = response.headers["x-request-id"]
    audit = AuditLog(open_database(env.settings.database_location))
    entries = [e for e in audit.entries(limit=50) if e.request_id == request_id]
    assert len(entries) == 2
    by_query = {e.query["key"]: e for e in entries}
    first = by_query["q1"]
    assert first.key_name == "test-screener" and first.endpoint == "/match/default"
    versions = env.client.get("/sources", headers=env.auth()).json()["sources"]
    assert first.versions == {s["source"]: s["version"] for s in versions}
    assert first.algorithm.startswith("balanced")
    returned = response.json()["responses"]["q1"]["results"]
    assert [(r["id"], r["score"]) for r in first.results] == [
        (r["id"], r["score"]) for r in returned
    ]
    assert by_query["q2"].results == []


def test_openapi_document_is_valid_and_complete(env: ApiEnv) -> None:
    spec = env.client.get("/openapi.json").json()
    validate(spec)
    paths = set(spec["paths"])
    assert {
        "/match/{dataset}", "/search", "/screen", "/jobs", "/jobs/{job_id}",
        "/jobs/{job_id}/result", "/entities/{entity_id}", "/entities/{entity_id}/history",
        "/sources", "/sources/{source_id}/update", "/keys", "/healthz", "/readyz",
        "/search/{dataset}", "/algorithms",
    } <= paths  # fmt: skip
    assert "ApiKey" in spec["components"]["securitySchemes"]
    assert "security" in spec["paths"]["/match/{dataset}"]["post"]
    assert "security" not in spec["paths"]["/healthz"]["get"]


def test_access_log_is_one_json_object_per_request(env: ApiEnv, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="clearance.api.access"):
        response = env.client.get("/sources", headers={**env.auth(), "X-Request-ID": "abc123"})
    # the server makes its own request id, and keeps the client's beside it
    server_id = response.headers["x-request-id"]
    assert len(server_id) == 16 and response.headers["x-client-request-id"] == "abc123"
    records = [r for r in caplog.records if r.name == "clearance.api.access"]
    line = orjson.loads(JsonFormatter().format(records[-1]))
    assert {"time", "level", "method", "path", "status", "duration_ms", "key", "request_id"} <= set(
        line
    )
    assert line["path"] == "/sources" and line["status"] == 200
    assert line["key"] == "test-screener" and line["request_id"] == server_id
    assert line["client_request_id"] == "abc123"


def test_yente_search_path_scopes_to_the_dataset(env: ApiEnv) -> None:
    params = {"q": "Northwind Arms Trading"}
    everywhere = env.client.get("/search/default", params=params, headers=env.auth()).json()
    assert {"test-a:101", "test-b:2"} <= {r["id"] for r in everywhere["results"]}
    only_b = env.client.get("/search/test-b", params=params, headers=env.auth()).json()
    assert [r["id"] for r in only_b["results"]] == ["test-b:2"]
    missing = env.client.get("/search/no-such-list", params=params, headers=env.auth())
    assert missing.status_code == 404


def test_algorithms_lists_the_profiles(env: ApiEnv) -> None:
    data = env.client.get("/algorithms", headers=env.auth()).json()
    names = [a["name"] for a in data["algorithms"]]
    assert data["default"] == data["best"] == "balanced" and "balanced" in names
    for name in names:
        assert (
            env.client.post(
                "/match/default",
                json={"queries": {"q": {"schema": "Person", "properties": {"name": ["A B"]}}}},
                params={"algorithm": name},
                headers=env.auth(),
            ).json()["matcher"]["name"]
            == name
        )


def test_search_ranks_without_the_match_threshold_and_pages(env: ApiEnv) -> None:
    get = env.client.get
    # one word of a listed name: no match at the threshold, but a search result
    data = get("/search", params={"q": "Rotenberg"}, headers=env.auth()).json()
    assert data["results"] and data["results"][0]["id"] == "test-a:9647"
    assert data["results"][0]["match"] is False
    everything = get("/search", params={"q": "Listed Personname", "limit": 100}, headers=env.auth())
    results = everything.json()["results"]
    total = everything.json()["total"]["value"]
    assert total == len(results) > 12
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    pages = [
        get(
            "/search",
            params={"q": "Listed Personname", "limit": 5, "offset": offset},
            headers=env.auth(),
        ).json()
        for offset in (0, 5, 10)
    ]
    assert [r["id"] for p in pages for r in p["results"]] == [r["id"] for r in results[:15]]
    assert {p["total"]["value"] for p in pages} == {total}
    assert [p["offset"] for p in pages] == [0, 5, 10]
    strict = get("/search", params={"q": "Rotenberg", "threshold": 0.9}, headers=env.auth())
    assert strict.json()["results"] == []


def test_catalog_lists_every_dataset_like_yente(env: ApiEnv) -> None:
    data = env.client.get("/catalog", headers=env.auth()).json()
    names = [d["name"] for d in data["datasets"]]
    assert names == ["default", "test-a", "test-b"]
    assert data["current"] == names and data["outdated"] == [] and data["index_stale"] is False
    default = data["datasets"][0]
    assert default["children"] == ["test-a", "test-b"]
    assert default["entity_count"] == sum(d["entity_count"] for d in data["datasets"][1:]) == 35


def test_openapi_gives_every_response_its_model(env: ApiEnv) -> None:
    spec = env.client.get("/openapi.json").json()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                content = response.get("content", {})
                schema = content.get("application/json", {}).get("schema")
                if schema is not None:
                    assert schema != {"type": "string"}, (method, path, status)
    match = spec["paths"]["/match/{dataset}"]["post"]["responses"]["200"]
    assert match["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EntityMatchResponse"
    }


def test_a_duplicate_key_name_is_409(env: ApiEnv) -> None:
    response = env.client.post("/keys", json={"name": "test-screener"}, headers=env.auth("admin"))
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
