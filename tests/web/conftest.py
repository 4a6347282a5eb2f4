"""Fixtures for the web interface: the API's test app (two small lists) with a user per role,
and clients signed in as each of them."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from clearance.store import open_database
from clearance.store.users import USER_ROLES, UserStore
from tests.api.conftest import ApiEnv, build_env

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient", category=Warning)
    from starlette.testclient import TestClient

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
#: cheap Argon2id parameters for tests that make many users (the hash stays Argon2id)
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    page = client.get("/ui/sign-in")
    response = client.post(
        "/ui/sign-in",
        data={"csrf": csrf_of(page.text), "name": name, "password": password, "next": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@dataclass
class WebEnv:
    api: ApiEnv

    def client(self, role: str | None = None) -> TestClient:
        """A browser of its own (its own cookies), signed in as the user of ``role``."""
        client = TestClient(self.api.app, raise_server_exceptions=False)
        if role is not None:
            sign_in(client, role)
        return client


def add_users(home: Path) -> None:
    users = UserStore(open_database(str(home / "clearance.sqlite3")), hasher=FAST_HASHER)
    for role in USER_ROLES:
        users.create(role, role, PASSWORD)
    users.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    """The API's test app with the users ``screener``, ``analyst``, ``reviewer``, ``admin``
    (each with the role of its name)."""
    home = tmp_path_factory.mktemp("web") / "home"
    for env in build_env(home, api_rate_per_minute=0):
        add_users(home)
        yield WebEnv(env)
