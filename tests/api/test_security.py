"""API keys and roles: 401 for missing/unknown/revoked keys, 403 when the role is too low."""

from __future__ import annotations

import pytest

from clearance.api.security import RateLimitedError, RateLimiter, parse_authorization
from clearance.errors import AuthError
from clearance.store import open_database
from clearance.store.keys import KeyStore, digest
from tests.api.conftest import ApiEnv

MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Sidorov"]}}}}


def test_no_key_is_401_with_challenge(env: ApiEnv) -> None:
    response = env.client.post("/match/default", json=MATCH)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer clr_not-a-real-key", "Basic dXNlcjpwYXNz", "Bearer", "clr_bare-key-without-scheme"],
)
def test_unknown_or_malformed_key_is_401(env: ApiEnv, header: str) -> None:
    response = env.client.post("/match/default", json=MATCH, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_both_header_schemes_are_accepted(env: ApiEnv) -> None:
    key = env.keys["screener"]
    for header in (f"Bearer {key}", f"ApiKey {key}", f"bearer {key}"):
        response = env.client.post("/match/default", json=MATCH, headers={"Authorization": header})
        assert response.status_code == 200, header


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        ("GET", "/entities/test-a:100/history", "analyst"),
        ("GET", "/keys", "admin"),
        ("POST", "/sources/test-a/update", "admin"),
    ],
)
def test_role_too_low_is_403_and_enough_is_not(
    env: ApiEnv, method: str, path: str, role: str
) -> None:
    low = env.client.request(method, path, headers=env.auth("screener"))
    assert low.status_code == 403 and low.json()["error"]["code"] == "forbidden"
    high = env.client.request(method, path, headers=env.auth(role))
    assert high.status_code not in (401, 403)


def test_health_and_openapi_need_no_key(env: ApiEnv) -> None:
    for path in ("/healthz", "/readyz", "/openapi.json", "/docs"):
        assert env.client.get(path).status_code == 200, path


def test_revoked_key_stops_working(env: ApiEnv) -> None:
    admin = env.auth("admin")
    created = env.client.post("/keys", json={"name": "temp", "role": "screener"}, headers=admin)
    assert created.status_code == 201
    secret = created.json()["key"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert env.client.post("/match/default", json=MATCH, headers=headers).status_code == 200
    listed = env.client.get("/keys", headers=admin).json()
    assert all("key" not in k and secret not in str(k) for k in listed)
    revoked = env.client.delete(f"/keys/{created.json()['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    again = env.client.post("/match/default", json=MATCH, headers=headers)
    assert again.status_code == 401


def test_keys_are_stored_only_as_digests(env: ApiEnv) -> None:
    connection = open_database(env.settings.database_location)
    stored = [row[0] for row in connection.execute("SELECT digest FROM api_keys")]
    for secret in env.keys.values():
        assert digest(secret) in stored
        assert not any(secret in str(row) for row in connection.execute("SELECT * FROM api_keys"))


def test_key_store_roles_and_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = KeyStore(open_database(str(tmp_path / "k.sqlite3")))
    key, secret = store.create("ops", "analyst")
    assert store.verify(secret, "screener").id == key.id
    with pytest.raises(AuthError) as err:
        store.verify(secret, "admin")
    assert err.value.http_status == 403
    with pytest.raises(Exception, match="exists"):
        store.create("ops", "screener")
    store.revoke("ops")
    store.create("ops", "screener")  # the name is free again once revoked
    with pytest.raises(Exception, match="Unknown role"):
        store.create("x", "root")


def test_authorization_header_parsing() -> None:
    assert parse_authorization(None) is None
    assert parse_authorization("Bearer  abc ") == "abc"
    assert parse_authorization("APIKEY abc") == "abc"
    with pytest.raises(AuthError):
        parse_authorization("Token abc")


def test_token_bucket_refills_at_the_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    limiter.take("k")
    limiter.take("k")
    with pytest.raises(RateLimitedError) as err:
        limiter.take("k")
    assert 0 < err.value.retry_after <= 1.0
    limiter.take("other")  # buckets are per key
    now[0] = 1.0
    limiter.take("k")
    RateLimiter(per_minute=0, burst=0).take("k")  # 0 disables the limit
