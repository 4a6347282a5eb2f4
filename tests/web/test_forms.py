"""Sign-in, sign-out and the CSRF check of every form."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from starlette.routing import Mount, Route

from clearance.web.auth import SignInThrottle, safe_next
from tests.web.conftest import PASSWORD, WebEnv, csrf_of

#: a value for each path parameter of the interface's POST routes
PATH_VALUES = {"source": "test-a", "name": "screener", "alert_id": "1"}


def _routes(routes: Iterable[Any]) -> Iterator[Route]:
    """Every route, those of included routers too (FastAPI keeps those in the router)."""
    for route in routes:
        if isinstance(route, Route):
            yield route
        elif hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)


def post_routes(web: WebEnv) -> list[str]:
    mount = next(r for r in web.api.app.routes if isinstance(r, Mount) and r.path == "/ui")
    paths = []
    for route in _routes(mount.routes):
        if "POST" in (route.methods or ()):
            paths.append("/ui" + re.sub(r"{(\w+)[^}]*}", lambda m: PATH_VALUES[m[1]], route.path))
    return paths


def test_the_interface_has_the_forms_tested_here(web: WebEnv) -> None:
    assert sorted(post_routes(web)) == sorted(
        [
            "/ui/sign-in",
            "/ui/sign-out",
            "/ui/jobs",
            "/ui/lists/test-a/update",
            "/ui/admin/users",
            "/ui/admin/users/screener",
            "/ui/alerts/1/decide",
        ]
    )


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_every_form_without_its_token_is_refused(web: WebEnv, token: str | None) -> None:
    admin = web.client("admin")
    for path in post_routes(web):
        data: dict[str, Any] = {"name": "admin", "password": PASSWORD, "action": "disable"}
        if token is not None:
            data["csrf"] = token
        response = admin.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, path
        assert "security token" in response.text, path
    # nothing was done: the admin is still signed in and still active
    assert admin.get("/ui/search").status_code == 200
    users = admin.get("/ui/admin/users.json").json()["users"]
    assert all(u["active"] for u in users if u["name"] == "screener")


def test_a_form_sent_from_another_site_is_refused(web: WebEnv) -> None:
    client = web.client("screener")
    token = csrf_of(client.get("/ui/search").text)
    response = client.post(
        "/ui/sign-out", data={"csrf": token}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert client.get("/ui/search").status_code == 200  # still signed in


def test_another_sessions_token_is_refused(web: WebEnv) -> None:
    mine, theirs = web.client("screener"), web.client("screener")
    their_token = csrf_of(theirs.get("/ui/search").text)
    assert mine.post("/ui/sign-out", data={"csrf": their_token}).status_code == 403


def test_sign_out_ends_the_session_on_the_server(web: WebEnv) -> None:
    client = web.client("screener")
    cookie = client.cookies.get("clearance_session")
    assert cookie
    token = csrf_of(client.get("/ui/search").text)
    response = client.post("/ui/sign-out", data={"csrf": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/sign-in"
    # the old cookie, replayed, no longer opens anything
    replay = web.client()
    replay.cookies.set("clearance_session", cookie, path="/ui")
    assert replay.get("/ui/search", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_httponly_samesite_and_scoped(web: WebEnv) -> None:
    client = web.client()
    page = client.get("/ui/sign-in")
    response = client.post(
        "/ui/sign-in",
        data={"csrf": csrf_of(page.text), "name": "analyst", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("clearance_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/ui" in cookie
    assert "Max-Age=43200" in cookie  # the lifetime: 12 hours by default


def test_a_wrong_password_is_refused_with_one_message(web: WebEnv) -> None:
    client = web.client()
    for name in ("analyst", "nobody"):
        page = client.get("/ui/sign-in")
        response = client.post(
            "/ui/sign-in",
            data={"csrf": csrf_of(page.text), "name": name, "password": "wrong password!"},
        )
        assert response.status_code == 401
        assert "Wrong user name or password." in response.text
    assert client.get("/ui/search", follow_redirects=False).status_code == 303


def test_sign_in_returns_to_the_page_asked_for(web: WebEnv) -> None:
    client = web.client()
    first = client.get("/ui/lists/test-a", follow_redirects=True)
    assert first.url.path == "/ui/sign-in"
    target = re.search(r'name="next" value="([^"]+)"', first.text)
    assert target and target.group(1) == "/ui/lists/test-a"
    response = client.post(
        "/ui/sign-in",
        data={"csrf": csrf_of(first.text), "name": "screener", "password": PASSWORD,
              "next": target.group(1)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.headers["location"] == "/ui/lists/test-a"


def test_the_sign_in_form_is_refused_without_its_cookie(web: WebEnv) -> None:
    page = web.client().get("/ui/sign-in")
    stranger = web.client()  # another browser: has not got the form's cookie
    response = stranger.post(
        "/ui/sign-in",
        data={"csrf": csrf_of(page.text), "name": "analyst", "password": PASSWORD},
    )
    assert response.status_code == 403


def test_the_throttle_stops_guessing_after_the_limit() -> None:
    now = [0.0]
    throttle = SignInThrottle(limit=3, window=60.0, clock=lambda: now[0])
    for _ in range(3):
        throttle.check("alice", "10.0.0.1")
        throttle.failed("alice", "10.0.0.1")
    with pytest.raises(Exception, match="Too many failed sign-ins"):
        throttle.check("ALICE", "10.0.0.2")  # by name, whatever the case or the address
    throttle.check("bob", "10.0.0.1")  # another name from the address: under its own limit
    now[0] = 61.0
    throttle.check("alice", "10.0.0.1")  # the failures have left the window


def test_sign_in_is_throttled_over_http(web: WebEnv) -> None:
    client = web.client()
    statuses = []
    for _ in range(6):
        page = client.get("/ui/sign-in")
        statuses.append(
            client.post(
                "/ui/sign-in",
                data={"csrf": csrf_of(page.text), "name": "reviewer", "password": "guess guess"},
            ).status_code
        )
    assert statuses == [401] * 5 + [429]
    # the right password is refused too while the name is throttled
    page = client.get("/ui/sign-in")
    response = client.post(
        "/ui/sign-in",
        data={"csrf": csrf_of(page.text), "name": "reviewer", "password": PASSWORD},
    )
    assert response.status_code == 429


@given(st.text(max_size=80))
@example("//evil.example/ui/x")
@example("/ui/../../x")
@example("https://evil.example/ui/")
@example("/ui/\\evil.example")
@example("/uix")
def test_after_sign_in_only_pages_of_the_interface(target: str) -> None:
    result = safe_next(target, "/ui")
    assert result.startswith("/ui/")
    assert "//" not in result and "\\" not in result and "\n" not in result
    assert result == target or result == "/ui/search"
