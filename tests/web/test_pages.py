"""The pages over the test lists: what each shows, who may see it, and that each page and its
JSON twin answer with the services of the JSON API."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import WebEnv, csrf_of, sign_in

#: every page a signed-in user can open (as the lowest role that may see it)
PAGES = [
    ("/ui/search", "screener"),
    ("/ui/search?q=Rotenberg", "screener"),
    ("/ui/entities/test-a:9647", "screener"),
    ("/ui/lists", "screener"),
    ("/ui/lists/test-a", "screener"),
    ("/ui/lists/test-a/diff", "screener"),
    ("/ui/jobs", "screener"),
    ("/ui/alerts", "analyst"),
    ("/ui/parties", "analyst"),
    ("/ui/audit", "admin"),
    ("/ui/audit/verify", "admin"),
    ("/ui/admin/users", "admin"),
]
NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def test_the_front_door_leads_to_sign_in_when_signed_out(web: WebEnv) -> None:
    client = web.client()
    response = client.get("/", follow_redirects=True)
    assert response.url.path == "/ui/sign-in"
    html = response.text
    assert re.search(r'<input[^>]+type="text"[^>]+name="name"', html)
    assert re.search(r'<input[^>]+type="password"[^>]+name="password"', html)
    assert '<button type="submit">Sign in</button>' in html


def test_signed_in_the_front_door_leads_to_search(web: WebEnv) -> None:
    response = web.client("screener").get("/", follow_redirects=True)
    assert response.url.path == "/ui/search"
    assert '<input id="q" type="search" name="q"' in response.text


@pytest.mark.parametrize(("path", "role"), PAGES)
def test_every_page_has_the_navigation_and_sign_out(web: WebEnv, path: str, role: str) -> None:
    response = web.client(role).get(path)
    assert response.status_code == 200, response.text
    nav = NAV.search(response.text)
    assert nav, "no main navigation"
    links = re.findall(r">([^<>]+)</a>", nav.group(1))
    assert {"Search", "Lists", "Alerts", "Audit"} <= set(links)
    assert re.search(r'<button type="submit">Sign out</button>', response.text)
    assert "<h1>" in response.text  # every page has a heading
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("path", "role"), PAGES)
def test_signed_out_every_page_leads_to_sign_in_and_back(web: WebEnv, path: str, role: str) -> None:
    response = web.client().get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/ui/sign-in?next=%2Fui%2F")


def test_json_twins_need_a_session(web: WebEnv) -> None:
    response = web.client().get("/ui/search.json?q=Rotenberg")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


ROLE_ORDER = ["screener", "analyst", "reviewer", "admin"]


@pytest.mark.parametrize(("path", "lowest"), PAGES)
@pytest.mark.parametrize("role", ROLE_ORDER)
def test_a_role_below_a_page_gets_403(web: WebEnv, path: str, lowest: str, role: str) -> None:
    response = web.client(role).get(path)
    allowed = ROLE_ORDER.index(role) >= ROLE_ORDER.index(lowest)
    assert response.status_code == (200 if allowed else 403)
    if not allowed:
        assert f"needs the {lowest} role" in response.text


def test_search_shows_lists_effects_score_and_explanation(web: WebEnv) -> None:
    html = web.client("screener").get("/ui/search?q=Arkadii+Rotenberg").text
    hit = html.split('<li class="hit', 1)[1].split("</li>\n</ol>", 1)[0]
    assert "Arkady Romanovich ROTENBERG" in hit
    assert '<span class="list">SDN</span>' in hit
    assert "UKRAINE-EO13661" in hit
    assert "SDN blocking" in hit
    assert "Why this score" in hit and "name" in hit
    # the name in its own script, marked as such
    assert re.search(r'<li class="native">.*Аркадий Ротенберг.*Cyrl', hit)


def test_search_page_and_twin_are_the_api_search(web: WebEnv) -> None:
    """The page, its twin and GET /search answer the same entities with the same scores."""
    api = web.api.client.get(
        "/search", params={"q": "Northwind Arms", "limit": 20}, headers=web.api.auth()
    ).json()
    twin = web.client("screener").get("/ui/search.json", params={"q": "Northwind Arms"}).json()
    assert [(r["id"], r["score"]) for r in twin["results"]] == [
        (r["id"], r["score"]) for r in api["results"]
    ]
    assert twin["total"] == api["total"]["value"]
    assert [r["match"] for r in twin["results"]] == [r["match"] for r in api["results"]]
    html = web.client("screener").get("/ui/search", params={"q": "Northwind Arms"}).text
    for result in twin["results"]:
        assert result["caption"] in html


def test_search_filters_by_type_country_and_list(web: WebEnv) -> None:
    client = web.client("screener")

    def ids(**params: str) -> set[str]:
        answer = client.get("/ui/search.json", params={"q": "Northwind Arms Trading", **params})
        assert answer.status_code == 200, answer.text
        return {r["id"] for r in answer.json()["results"]}

    both = {"test-a:101", "test-b:2"}
    assert both <= ids()
    assert ids(source="test-b") == {"test-b:2"}
    assert "test-a:101" not in ids(country="ae")
    assert "test-b:2" in ids(country="ae")
    assert not both & ids(schema="Person")


def test_search_refuses_an_unknown_country_with_a_message(web: WebEnv) -> None:
    response = web.client("screener").get("/ui/search?q=Northwind&country=Atlantis")
    assert response.status_code == 400
    assert "Unknown country" in response.text


def test_entity_page_names_listings_and_effects(web: WebEnv) -> None:
    view = web.client("analyst").get("/ui/entities/test-a:9647.json").json()
    assert view["caption"] == "Arkady Romanovich ROTENBERG"
    native = [n for n in view["names"] if n["native"]]
    assert [(n["value"], n["script"]) for n in native] == [("Аркадий Ротенберг", "Cyrl")]
    assert [x["list"] for x in view["listings"]] == ["SDN"]
    assert view["listings"][0]["start"] == "2014-03-20"
    assert view["effects"] == [{"code": "blocking", "label": "SDN blocking"}]
    assert {"property": "birthDate", "values": ["1951-12-15"]} in view["dates"]
    assert {"property": "nationality", "values": ["ru"]} in view["countries"]
    assert view["history"][0]["change"] == "added"


def test_entity_history_needs_the_analyst_role(web: WebEnv) -> None:
    view = web.client("screener").get("/ui/entities/test-a:9647.json").json()
    assert view["history"] is None
    html = web.client("screener").get("/ui/entities/test-a:9647").text
    assert "needs the analyst role" in html


def test_an_unknown_entity_is_a_404_page(web: WebEnv) -> None:
    response = web.client("screener").get("/ui/entities/test-a:nope")
    assert response.status_code == 404
    assert "Not found" in response.text


def test_lists_page_counts_and_status(web: WebEnv) -> None:
    view = web.client("screener").get("/ui/lists.json").json()
    rows = {r["source"]: r for r in view["lists"]}
    assert rows["test-a"]["entities"] == 33
    assert rows["test-a"]["schemata"] == {"Company": 1, "Person": 32}
    assert rows["test-a"]["published"] == "2026-11-01"
    assert rows["test-a"]["status"] == "current"
    assert "us-ofac-sdn" in view["missing"]


def test_a_page_sends_the_security_headers(web: WebEnv) -> None:
    response = web.client("screener").get("/ui/search")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    # every script and stylesheet is the server's own
    assert not re.search(r'(src|href)="(https?:)?//', response.text)


def test_static_assets_are_served(web: WebEnv) -> None:
    client = web.client()
    assert client.get("/ui/static/app.css").status_code == 200
    assert "followJob" in client.get("/ui/static/app.js").text


def test_audit_page_shows_the_screenings_of_the_users(web: WebEnv) -> None:
    web.client("analyst").get("/ui/search?q=Blue+Harbor+Electronics")
    admin = web.client("admin")
    view = admin.get("/ui/audit.json", params={"kind": "screening"}).json()
    mine = [r for r in view["records"] if r["who"] == "user:analyst"]  # named, not by id
    assert mine and mine[0]["data"]["query"]["q"] == "Blue Harbor Electronics"
    assert mine[0]["kind"] == "screening.http" and mine[0]["data"]["endpoint"] == "/ui/search"
    assert mine[0]["data"]["versions"]  # the list versions the answer came from
    only = admin.get("/ui/audit.json", params={"actor": mine[0]["actor"]}).json()
    assert {r["actor"] for r in only["records"]} == {mine[0]["actor"]}


def test_admin_creates_changes_and_disables_a_user(web: WebEnv) -> None:
    admin = web.client("admin")
    token = csrf_of(admin.get("/ui/admin/users").text)
    created = admin.post(
        "/ui/admin/users",
        data={"csrf": token, "name": "carol", "role": "screener", "password": "a long passphrase"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    carol = web.client()
    sign_in(carol, "carol", "a long passphrase")
    assert carol.get("/ui/alerts").status_code == 403
    admin.post("/ui/admin/users/carol", data={"csrf": token, "action": "role", "role": "analyst"})
    assert carol.get("/ui/alerts").status_code == 200
    admin.post("/ui/admin/users/carol", data={"csrf": token, "action": "disable"})
    # disabling ends the sessions at once
    assert carol.get("/ui/search", follow_redirects=False).status_code == 303
    users = admin.get("/ui/admin/users.json").json()["users"]
    assert next(u for u in users if u["name"] == "carol")["active"] is False


def test_an_admin_cannot_disable_themself(web: WebEnv) -> None:
    admin = web.client("admin")
    token = csrf_of(admin.get("/ui/admin/users").text)
    response = admin.post("/ui/admin/users/admin", data={"csrf": token, "action": "disable"})
    assert response.status_code == 400
    assert admin.get("/ui/search").status_code == 200
