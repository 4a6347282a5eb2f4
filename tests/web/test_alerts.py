"""The monitoring pages over the test lists: the alert queue and its filters, an alert and its
decisions by role (four-eyes on), the book's parties and evidence pages, the audit chain.
Each page answers as the monitoring service (and so the JSON API) does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.monitor import service
from tests.api.conftest import ApiEnv, build_env
from tests.web.conftest import WebEnv, add_users, csrf_of

#: book parties and the listed entities they match in the test lists
PARTIES: dict[str, dict[str, Any]] = {
    "V-1": {"name": "Arkadii Rotenberg", "schema": "Person", "birth_date": "1951"},
    "V-2": {"name": "Northwind Arms Trading LLC", "country": "ir"},
    "V-3": {"name": "Blue Harbor Electronics Co", "country": "cn"},
    **{f"P-{i:02d}": {"name": f"Listed{i} Personname{i}", "schema": "Person"} for i in range(12)},
}


@pytest.fixture(scope="module")
def mweb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    """The test app with four-eyes on, a user per role and a book whose parties alert."""
    home = tmp_path_factory.mktemp("web-monitor") / "home"
    for env in build_env(home, api_rate_per_minute=0, four_eyes=True):
        add_users(home)
        for reference, body in PARTIES.items():
            put = env.client.put(f"/book/parties/{reference}", json=body,
                                 headers=env.auth("analyst"))  # fmt: skip
            assert put.status_code == 200, put.text
        yield WebEnv(env)


def api_alerts(env: ApiEnv, **params: Any) -> list[dict[str, Any]]:
    response = env.client.get("/alerts", params=params, headers=env.auth("analyst"))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def first_open(env: ApiEnv, party: str) -> int:
    return int(api_alerts(env, party=party, state="open")[0]["id"])


def decide(client: Any, alert_id: int, decision: str, reason: str = "checked") -> Any:
    token = csrf_of(client.get(f"/ui/alerts/{alert_id}").text)
    return client.post(
        f"/ui/alerts/{alert_id}/decide",
        data={"csrf": token, "decision": decision, "reason": reason},
        follow_redirects=False,
    )


# -- the queue ------------------------------------------------------------------------------


def test_the_queue_shows_what_the_api_lists(mweb: WebEnv) -> None:
    view = mweb.client("analyst").get("/ui/alerts.json", params={"state": "open"}).json()
    api = api_alerts(mweb.api, state="open")
    assert view["total"] == len(api) >= len(PARTIES)
    assert [a["id"] for a in view["alerts"]] == [a["id"] for a in api][: view["limit"]]
    row = next(a for a in view["alerts"] if a["party"] == "V-1")
    assert row["entity_id"] == "test-a:9647" and row["lists"] == ["SDN"]
    assert row["effects"][0]["code"] == "blocking" and row["score"] >= 0.7


def ids(client: Any, **params: Any) -> list[int]:
    response = client.get("/ui/alerts.json", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["alerts"]]


def test_queue_filters_select_before_paging(mweb: WebEnv) -> None:
    client = mweb.client("analyst")
    every = api_alerts(mweb.api)
    by_id = {a["id"]: a for a in every}
    assert set(ids(client, state="")) == set(by_id)
    test_b = ids(client, state="", source="test-b")
    assert test_b and all(by_id[i]["source"] == "test-b" for i in test_b)
    assert set(test_b) == {a["id"] for a in every if a["source"] == "test-b"}
    high = ids(client, state="", min_score="0.95")
    assert set(high) == {a["id"] for a in every if a["score"] >= 0.95}
    assert ids(client, state="", party="V-2") == [a["id"] for a in every if a["party"] == "V-2"]
    assert ids(client, state="", older_than="1") == []  # every alert was opened just now
    assert set(ids(client, state="", newer_than="1")) == set(by_id)
    scores = [by_id[i]["score"] for i in ids(client, state="", order="score")]
    assert scores == sorted(scores, reverse=True)
    assert ids(client, state="", order="newest") == sorted(by_id, reverse=True)
    # pages of 4 put together are the whole queue, in order, each alert once
    pages, offset = [], 0
    while True:
        page = client.get("/ui/alerts.json", params={"state": "", "limit": 4,
                                                    "offset": offset}).json()  # fmt: skip
        assert page["total"] == len(every)
        pages += [a["id"] for a in page["alerts"]]
        if not page["more"]:
            break
        offset += 4
    assert pages == sorted(by_id)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"state": "pending"}, "Unknown alert state"),
        ({"min_score": "high"}, "not a number"),
        ({"older_than": "-3"}, "from 0 to"),
    ],
)
def test_a_bad_filter_is_explained(mweb: WebEnv, params: dict[str, str], message: str) -> None:
    response = mweb.client("analyst").get("/ui/alerts", params=params)
    assert response.status_code in (400, 422)
    assert message in response.text


def test_the_queue_page_links_each_alert_and_party(mweb: WebEnv) -> None:
    html = mweb.client("analyst").get("/ui/alerts?limit=5").text
    assert len(re.findall(r'<a href="/ui/alerts/\d+">#\d+</a>', html)) == 5
    assert 'href="/ui/parties/' in html
    assert re.search(r'rel="next"[^>]*>|href="[^"]*offset=5[^"]*" rel="next"', html)
    for label in ("State", "List", "Score at least", "Party", "Older than (days)"):
        assert f">{label}</label>" in html


# -- one alert, decided by role -------------------------------------------------------------


def test_the_alert_page_shows_both_sides_the_explanation_and_the_keys(mweb: WebEnv) -> None:
    alert_id = first_open(mweb.api, "V-1")
    client = mweb.client("analyst")
    view = client.get(f"/ui/alerts/{alert_id}.json").json()
    assert view["alert"] == service.get_alert(mweb.api.app.state.monitoring.book, alert_id)
    assert view["party"]["reference"] == "V-1"
    assert {"field": "name", "value": "Arkadii Rotenberg"} in view["party"]["fields"]
    assert view["entity"]["id"] == "test-a:9647"
    assert "Аркадий Ротенберг" in [n["value"] for n in view["entity"]["names"]]
    assert view["explanation"] and view["explanation"][0]["feature"]
    allowed = {d["decision"]: d["allowed"] for d in view["decide"]}
    assert allowed == {"escalated": True, "false-positive": True, "true-match": False}
    html = client.get(f"/ui/alerts/{alert_id}").text
    assert 'class="sides"' in html and "Keyboard shortcuts" in html
    assert '<textarea id="reason" name="reason"' in html
    assert 'data-key="f"' in html and 'data-key="e"' in html


def test_an_analyst_escalates_and_cannot_confirm(mweb: WebEnv) -> None:
    alert_id = first_open(mweb.api, "P-00")
    analyst = mweb.client("analyst")
    refused = decide(analyst, alert_id, "true-match")
    assert refused.status_code == 403 and "reviewer role" in refused.text
    assert service.get_alert(mweb.api.app.state.monitoring.book, alert_id)["state"] == "open"
    done = decide(analyst, alert_id, "escalated", "same name and birth year")
    assert done.status_code == 303
    assert done.headers["location"] == f"/ui/alerts/{alert_id}?decided=escalated"
    view = analyst.get(f"/ui/alerts/{alert_id}.json").json()
    assert view["alert"]["state"] == "escalated"
    (made,) = view["alert"]["decisions"]
    assert (made["decision"], made["by"], made["role"], made["reason"]) == (
        "escalated", "analyst", "analyst", "same name and birth year")  # fmt: skip
    # the API answers the same
    via_api = mweb.api.client.get(f"/alerts/{alert_id}", headers=mweb.api.auth("analyst"))
    assert via_api.json()["decisions"] == view["alert"]["decisions"]


def test_four_eyes_a_reviewer_confirms_what_someone_else_escalated(mweb: WebEnv) -> None:
    alert_id = first_open(mweb.api, "P-01")
    reviewer = mweb.client("reviewer")
    # not straight from open: four-eyes wants an escalation by another person first
    early = decide(reviewer, alert_id, "true-match")
    assert early.status_code == 403 and "Four-eyes" in early.text
    assert decide(reviewer, alert_id, "escalated").status_code == 303
    view = reviewer.get(f"/ui/alerts/{alert_id}.json").json()
    why = {d["decision"]: d["why_not"] for d in view["decide"]}
    assert "another person" in why["true-match"]
    assert decide(reviewer, alert_id, "true-match").status_code == 403
    confirmed = decide(mweb.client("admin"), alert_id, "true-match", "registry extract")
    assert confirmed.status_code == 303
    decisions = service.get_alert(mweb.api.app.state.monitoring.book, alert_id)["decisions"]
    assert [(d["decision"], d["by"]) for d in decisions] == [
        ("escalated", "reviewer"), ("true-match", "admin")]  # fmt: skip


def test_a_decision_needs_a_reason_and_its_token(mweb: WebEnv) -> None:
    alert_id = first_open(mweb.api, "P-02")
    analyst = mweb.client("analyst")
    assert decide(analyst, alert_id, "false-positive", "  ").status_code == 400
    no_token = analyst.post(f"/ui/alerts/{alert_id}/decide",
                            data={"decision": "false-positive", "reason": "x"})  # fmt: skip
    assert no_token.status_code == 403
    assert service.get_alert(mweb.api.app.state.monitoring.book, alert_id)["decisions"] == []


def test_the_decision_is_in_the_audit_chain(mweb: WebEnv) -> None:
    alert_id = first_open(mweb.api, "P-03")
    assert (
        decide(mweb.client("analyst"), alert_id, "false-positive", "other person").status_code
        == 303
    )
    admin = mweb.client("admin")
    view = admin.get("/ui/audit.json", params={"kind": "alert.decided", "party": "P-03"}).json()
    (record,) = view["records"]
    assert record["actor"] == "web:analyst" and record["data"]["alert"] == alert_id
    assert record["data"]["decision"] == "false-positive"
    assert "other person" in record["summary"]
    html = admin.get("/ui/audit?party=P-03").text
    assert f'href="/ui/alerts/{alert_id}"' in html and "web:analyst" in html


# -- who sees what: the monitoring service's table, as the API ------------------------------

PAIRS = [
    ("/ui/alerts.json", "/alerts"),
    ("/ui/parties/V-1.json", "/book/parties/V-1"),
    ("/ui/evidence/V-1.json", "/evidence/V-1.json"),
    ("/ui/audit.json", "/audit"),
    ("/ui/audit/verify.json", "/audit/verify"),
]


@pytest.mark.parametrize("role", ["screener", "analyst", "reviewer", "admin"])
@pytest.mark.parametrize(("page", "endpoint"), PAIRS)
def test_pages_and_the_api_admit_the_same_roles(
    mweb: WebEnv, role: str, page: str, endpoint: str
) -> None:
    web_status = mweb.client(role).get(page).status_code
    api_status = mweb.api.client.get(endpoint, headers=mweb.api.auth(role)).status_code
    assert web_status == api_status, (page, role)


# -- the book and evidence ------------------------------------------------------------------


def test_the_party_page_and_its_evidence(mweb: WebEnv) -> None:
    analyst = mweb.client("analyst")
    view = analyst.get("/ui/parties/V-1.json").json()
    assert view["reference"] == "V-1" and view["alerts"][0]["entity_id"] == "test-a:9647"
    assert view["data"] == service.show_party(mweb.api.app.state.monitoring.book, "V-1")["data"]
    html = analyst.get("/ui/parties/V-1").text
    assert 'href="/ui/evidence/V-1"' in html
    page = analyst.get("/ui/evidence/V-1")
    assert page.status_code == 200 and "Screening evidence: V-1" in page.text
    csp = page.headers["content-security-policy"]
    assert page.headers.get_list("content-security-policy") == [csp]
    assert csp.startswith("default-src 'none'; style-src 'sha256-") and "<script" not in page.text
    data = analyst.get("/ui/evidence/V-1.json").json()
    api = mweb.api.client.get("/evidence/V-1.json", headers=mweb.api.auth("analyst")).json()
    for key in ("reference", "party", "screenings", "alerts", "activations"):
        assert data[key] == api[key], key
    book = analyst.get("/ui/parties.json").json()
    assert book["total"] == len(PARTIES)
    assert analyst.get("/ui/parties/NOPE").status_code == 404


# -- the audit chain ------------------------------------------------------------------------


def test_audit_pages_back_and_verification(mweb: WebEnv) -> None:
    admin = mweb.client("admin")
    head = service.chain_head(mweb.api.app.state.monitoring.book)
    first = admin.get("/ui/audit.json", params={"limit": 10}).json()
    assert first["head"] == head and first["records"][0]["seq"] == head["seq"]
    assert len(first["records"]) == 10 and first["older"] == first["records"][-1]["seq"]
    pages = [first]
    while pages[-1]["older"]:
        older = {"limit": 10, "before": pages[-1]["older"]}
        pages.append(admin.get("/ui/audit.json", params=older).json())
    seqs = [r["seq"] for p in pages for r in p["records"]]
    assert seqs == list(range(head["seq"], 0, -1))  # every record once, newest first
    kinds = {r["kind"] for r in admin.get("/ui/audit.json", params={"kind": "screening"}).json()[
        "records"]}  # fmt: skip
    assert kinds and all(k.startswith("screening.") for k in kinds)
    verified = admin.get("/ui/audit/verify.json").json()
    assert verified["ok"] is True and verified["records"] >= head["seq"]
    assert "Intact." in admin.get("/ui/audit/verify").text
    assert 'data-url="/ui/audit/verify.json"' in admin.get("/ui/audit").text


FILTERS = [
    {"state": "open"},
    {"source": "test-b"},
    {"min_score": "0.95"},
    {"party": "V-2"},
    {"older_than_days": "0"},
    {"newer_than_days": "1", "state": "open,escalated"},
]


@pytest.mark.parametrize("params", FILTERS)
def test_the_api_filters_the_queue_as_the_page_does(mweb: WebEnv, params: dict[str, str]) -> None:
    """The page's filters and the API's are the service's (the page names ages shorter)."""
    page_params = {k.replace("_days", ""): v for k, v in params.items()}
    page_params.setdefault("state", "")
    assert ids(mweb.client("analyst"), **page_params) == [
        a["id"] for a in api_alerts(mweb.api, **params)
    ]


@pytest.fixture(scope="module")
def analyst(mweb: WebEnv) -> Any:
    return mweb.client("analyst")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=20))
def test_any_typed_filter_is_read_or_explained(analyst: Any, text: str) -> None:
    client = analyst
    for name in ("min_score", "older_than", "newer_than"):
        response = client.get("/ui/alerts.json", params={name: text})
        assert response.status_code in (200, 400), (name, text, response.text)
        if response.status_code == 400:
            assert response.json()["error"]["code"] == "bad_input"


def test_the_book_link_is_shown_to_those_who_may_open_it(mweb: WebEnv) -> None:
    assert ">Book</a>" not in mweb.client("screener").get("/ui/search").text
    assert ">Book</a>" in mweb.client("analyst").get("/ui/search").text
