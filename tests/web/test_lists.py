"""The Lists pages over two versions of a list: versions, the diff between any two, updates."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from clearance.catalog import import_dataset
from clearance.model import Listing
from clearance.server import create_app
from clearance.settings import Settings
from clearance.sources.base import Dataset
from tests.api.conftest import ListB, _entity, load_store, open_screener
from tests.web.conftest import add_users, csrf_of, sign_in

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient", category=Warning)
    from starlette.testclient import TestClient


class Env:
    def __init__(self, app: Any, updates: list[str]) -> None:
        self.app, self.updates = app, updates

    def client(self, role: str) -> TestClient:
        client = TestClient(self.app, raise_server_exceptions=False)
        sign_in(client, role)
        return client


def second_version() -> list[Any]:
    """test-b again: one entity renamed and moved to another programme, one removed, one new."""
    renamed = _entity("test-b", "1", "Company", ["Blue Harbor Electronics Co", "蓝港电子"],
                      country="cn")  # fmt: skip
    renamed.listings[:] = [Listing(list="EL", effect="entity-list-licence", programs=("EAR744",))]
    added = _entity("test-b", "3", "Company", ["Red Quay Components"], country="hk")
    return [renamed, added]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    settings = Settings(home=tmp_path_factory.mktemp("lists") / "home", api_rate_per_minute=0)
    store = load_store(settings)
    import_dataset(store,
        Dataset(source="test-b", entities=second_version(), format="test",
                published="2026-12-01", content_hash="hash-test-b-2"),
        source=ListB(), force=True,
    )  # fmt: skip
    add_users(settings.home)
    updates: list[str] = []

    def updater(source: str) -> dict[str, Any]:
        updates.append(source)
        return {"source": source, "status": "unchanged"}

    app = create_app(settings, store=store, screener=open_screener(settings, store),
                     updater=updater)  # fmt: skip
    with TestClient(app):
        yield Env(app, updates)
    store.close()


def test_versions_page_lists_every_version(env: Env) -> None:
    view = env.client("screener").get("/ui/lists/test-b.json").json()
    assert [(v["version"], v["published"], v["active"]) for v in view["versions"]] == [
        (2, "2026-12-01", True),
        (1, "2026-11-01", False),
    ]


def test_diff_shows_added_removed_and_changed_with_the_fields(env: Env) -> None:
    client = env.client("screener")
    changed = client.get("/ui/lists/test-b/diff.json?from=1&to=2").json()
    assert changed["summary"] == {"added": 1, "removed": 1, "changed": 1}
    (item,) = changed["items"]
    assert item["id"] == "test-b:1" and "names" in item["fields"] and "listings" in item["fields"]
    assert [n["value"] for n in item["names_added"]] == ["蓝港电子"]
    assert item["listings_added"][0]["programs"] == ["EAR744"]
    assert item["listings_removed"][0]["programs"] == ["EAR"]
    added = client.get("/ui/lists/test-b/diff.json?from=1&to=2&section=added").json()
    assert [e["id"] for e in added["items"]] == ["test-b:3"]
    removed = client.get("/ui/lists/test-b/diff.json?from=1&to=2&section=removed").json()
    assert [e["id"] for e in removed["items"]] == ["test-b:2"]
    html = client.get("/ui/lists/test-b/diff?from=1&to=2").text
    assert "<ins>蓝港电子</ins>" in html and "EAR744" in html
    # the default is the last two versions, and the other way round reverses the changes
    assert client.get("/ui/lists/test-b/diff.json").json()["summary"] == changed["summary"]
    back = client.get("/ui/lists/test-b/diff.json?from=2&to=1&section=added").json()
    assert [e["id"] for e in back["items"]] == ["test-b:2"]


def test_the_entity_history_links_its_versions(env: Env) -> None:
    view = env.client("analyst").get("/ui/entities/test-b:1.json").json()
    assert [(e["version"], e["change"]) for e in view["history"]] == [(1, "added"), (2, "changed")]


def test_an_unknown_version_is_a_404(env: Env) -> None:
    response = env.client("screener").get("/ui/lists/test-b/diff?from=1&to=9")
    assert response.status_code == 404


def test_an_admin_updates_a_list_from_the_page(env: Env) -> None:
    analyst = env.client("analyst")
    token = csrf_of(analyst.get("/ui/lists").text)
    assert analyst.post("/ui/lists/us-ofac-sdn/update", data={"csrf": token}).status_code == 403
    assert env.updates == []
    admin = env.client("admin")
    token = csrf_of(admin.get("/ui/lists").text)
    response = admin.post(
        "/ui/lists/us-ofac-sdn/update", data={"csrf": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert "status=unchanged" in response.headers["location"]
    assert env.updates == ["us-ofac-sdn"]
    refused = admin.post("/ui/lists/test-b/update", data={"csrf": token})
    assert refused.status_code == 400 and "no official download" in refused.text


def test_lists_page_shows_an_update_button_to_admins_only(env: Env) -> None:
    assert "Update now" not in env.client("analyst").get("/ui/lists").text
    assert '<th scope="col">Update</th>' in env.client("admin").get("/ui/lists").text
