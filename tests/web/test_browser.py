"""The web interface end to end, in Debian's Chromium driven by Playwright, against a real
`clearance serve` over the bundled statutory lists.

Skipped only where /usr/bin/chromium is absent (a user's machine); `.ci/run` installs it.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from tests.serving import serve

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no browser at {CHROMIUM}"),
]


def clearance(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLEARANCE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "clearance", *args],
        input=stdin, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


#: a book of parties: the five companies of NDAA section 889 (several lists each) and one other
BOOK = """reference,name,country
B-1,Huawei Technologies Co. Ltd,CN
B-2,ZTE Corporation,CN
B-3,Hytera Communications Corporation,CN
B-4,Hangzhou Hikvision Digital Technology Co. Ltd,CN
B-5,Zhejiang Dahua Technology Co. Ltd,CN
B-6,Northwind Garden Supplies Ltd,GB
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`clearance serve` in its own process, four-eyes on, with a screener, an analyst, a
    reviewer and an admin, and a book whose parties alert."""
    home = tmp_path_factory.mktemp("browser") / "home"
    for role in ("screener", "analyst", "reviewer", "admin"):
        clearance(home, "users", "create", f"{role}1", "--role", role, stdin=PASSWORD + "\n")
    book = home.parent / "book.csv"
    book.write_text(BOOK, encoding="utf-8")
    clearance(home, "book", "import", str(book), "--workers", "1")
    env = {"CLEARANCE_API_RATE_PER_MINUTE": "0", "CLEARANCE_FOUR_EYES": "1"}
    server = serve(home, "--log-level", "warning", env=env, wait=120)
    yield server.base
    server.stop(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    """Chromium with a fresh profile of its own."""
    with (
        tempfile.TemporaryDirectory(prefix="clearance-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            accept_downloads=True,
            viewport={"width": 1366, "height": 768},  # a laptop screen
        )
        yield context
        context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    """A tab with no cookies left from another test."""
    browser.clear_cookies()
    tab = browser.new_page()
    yield tab
    tab.close()


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r".*/ui/sign-in"))
    page.get_by_label("User name").fill(name)
    password = page.get_by_label("Password")
    password.fill(PASSWORD)
    password.press("Enter")  # Enter submits
    expect(page).to_have_url(re.compile(r".*/ui/search$"))


def test_sign_in_search_hikvision_and_open_it(page: Page, server: str) -> None:
    sign_in(page, server, "screener1")
    box = page.locator('input[type="search"][name="q"]')
    box.fill("Hikvision")
    box.press("Enter")
    first = page.locator("li.hit").first
    expect(first.locator("h3")).to_contain_text("Hikvision")
    # the company is on several lists, each with its legal effect
    hits = page.locator("li.hit").filter(has=page.locator("h3", has_text="Hikvision"))
    lists = set(hits.locator(".lists span.list").all_inner_texts())
    effects = " ".join(hits.locator(".effects").all_inner_texts())
    assert {"NDAA-889", "DOD-1260H", "FCC-COVERED"} <= lists
    assert "procurement" in effects and "1260H" in effects
    expect(first).to_contain_text("杭州海康威视数字技术股份有限公司")  # in its own script
    first.get_by_text("Why this score").click()
    expect(first.locator(".explain table")).to_be_visible()
    ndaa = hits.filter(has=page.locator("span.list", has_text="NDAA-889")).first
    ndaa.locator("h3 a").click()
    expect(page.locator("h1")).to_contain_text("Hikvision")
    expect(page.locator(".names li.native").first).to_be_visible()
    expect(page.locator("#listings-h")).to_be_visible()
    expect(page.locator("table.listings").first).to_contain_text("NDAA-889")
    # every page has the navigation and the sign-out control
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Search", "Lists", "Alerts", "Audit"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_screen_the_vendor_file_and_download_the_results(
    page: Page, server: str, tmp_path: Path
) -> None:
    sign_in(page, server, "analyst1")
    page.get_by_role("link", name="Screen a file").click()
    page.get_by_label("File").set_input_files(str(ROOT / "examples" / "vendors.csv"))
    page.get_by_role("button", name="Screen the file").click()
    expect(page.locator("#job-state")).to_have_text("done", timeout=180_000)
    expect(page.get_by_text("rows screened:")).to_contain_text("399")
    table = page.locator("table.results")
    expect(table).to_contain_text("浙江大华技术股份有限公司")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    target = tmp_path / "results.csv"
    info.value.save_as(target)
    with target.open(encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert {line["reference"] for line in lines} >= {f"V{10001 + i}" for i in range(399)}
    dahua = [line for line in lines if line["reference"] == "V10023" and line["entity_id"]]
    assert dahua and any("NDAA-889" in line["lists"] for line in dahua)


def test_a_screener_cannot_reach_admin_pages(page: Page, server: str) -> None:
    sign_in(page, server, "screener1")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    response = page.goto(server + "/ui/admin/users")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
    response = page.goto(server + "/ui/audit")
    assert response is not None and response.status == 403


def test_a_form_without_its_csrf_token_is_refused(page: Page, server: str) -> None:
    sign_in(page, server, "admin1")
    page.goto(server + "/ui/admin/users")
    page.get_by_label("Name", exact=True).fill("mallory")
    page.get_by_label("Password").fill("a long passphrase")
    form = page.locator("form", has=page.get_by_role("button", name="Create user"))
    form.locator('input[name="csrf"]').evaluate("input => input.remove()")
    with page.expect_response(re.compile(r".*/ui/admin/users$")) as info:
        page.get_by_role("button", name="Create user").click()
    assert info.value.status == 403
    expect(page.locator("[role=alert]")).to_contain_text("security token")
    page.goto(server + "/ui/admin/users")
    expect(page.locator("table")).not_to_contain_text("mallory")


def test_sign_out_ends_the_session(page: Page, server: str) -> None:
    sign_in(page, server, "screener1")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r".*/ui/sign-in$"))
    page.goto(server + "/ui/lists")
    expect(page).to_have_url(re.compile(r".*/ui/sign-in\?next="))


def test_keyboard_skip_link_and_search_shortcut(page: Page, server: str) -> None:
    sign_in(page, server, "screener1")
    page.goto(server + "/ui/lists")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.goto(server + "/ui/search?q=Huawei")
    page.locator("body").click(position={"x": 5, "y": 700})
    page.keyboard.press("/")
    expect(page.locator('input[type="search"]')).to_be_focused()


UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter(el => el.type !== "hidden")
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
  .map(el => el.outerHTML)"""


def test_every_field_has_a_label_and_every_page_one_heading(page: Page, server: str) -> None:
    sign_in(page, server, "admin1")
    for path in ("/ui/search?q=Huawei", "/ui/lists", "/ui/lists/us-ndaa-889", "/ui/jobs",
                 "/ui/audit", "/ui/admin/users", "/ui/alerts", "/ui/alerts/1", "/ui/parties",
                 "/ui/parties/B-1", "/ui/audit/verify",
                 "/ui/entities/us-ndaa-889:hangzhou-hikvision-digital-technology"):  # fmt: skip
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate(UNLABELLED) == [], path
        expect(page.locator("h1")).to_have_count(1)
        assert page.evaluate("document.documentElement.lang") == "en"


# -- alerts ---------------------------------------------------------------------------------


def open_alert(page: Page, base: str, party: str) -> int:
    """The first open alert of a book party (read through the queue's JSON twin)."""
    response = page.request.get(f"{base}/ui/alerts.json?state=open&party={party}")
    assert response.ok, response.text()
    alerts = response.json()["alerts"]
    assert alerts, f"no open alert of {party}"
    return int(alerts[0]["id"])


def test_decide_an_alert_see_it_in_the_audit_page_and_sign_out(page: Page, server: str) -> None:
    sign_in(page, server, "admin1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
    expect(page.locator("h1")).to_have_text("Alerts")
    page.get_by_label("Party").fill("B-2")
    page.get_by_role("button", name="Filter").click()
    queue = page.locator("table.queue tbody tr")
    expect(queue.first).to_contain_text("ZTE")
    queue.first.locator("td").first.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("B-2")
    # the party and the listed entity side by side, and why it scored so
    expect(page.locator("#party-h")).to_be_visible()
    expect(page.locator("#entity-h")).to_contain_text("ZTE")
    expect(page.locator("table.explain")).to_be_visible()
    alert_id = int(re.findall(r"/alerts/(\d+)", page.url)[0])
    page.get_by_label("false-positive").check()
    page.get_by_label("Reason").fill("Our ZTE is ZTE Travel Agency, another company")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decided")).to_contain_text("false-positive")
    expect(page.locator("#alert-state")).to_have_text("false-positive")
    expect(page.locator("table.decisions")).to_contain_text("ZTE Travel Agency")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Audit").click()
    row = page.locator("table.audit tbody tr").filter(has_text="alert.decided").first
    expect(row).to_contain_text("web:admin1")
    expect(row).to_contain_text(f"alert {alert_id}")
    expect(row).to_contain_text("ZTE Travel Agency")
    expect(page.locator("#verify-status")).to_contain_text("records intact", timeout=30_000)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r".*/ui/sign-in$"))
    page.goto(server + "/ui/audit")
    expect(page).to_have_url(re.compile(r".*/ui/sign-in\?next="))


def test_escalate_then_a_reviewer_confirms_with_four_eyes(page: Page, server: str) -> None:
    sign_in(page, server, "analyst1")
    alert_id = open_alert(page, server, "B-4")
    page.goto(f"{server}/ui/alerts/{alert_id}")
    page.get_by_label("escalated").check()
    page.get_by_label("Reason").fill("Same company name and country")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#alert-state")).to_have_text("escalated")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server, "reviewer1")
    page.goto(f"{server}/ui/alerts/{alert_id}")
    expect(page.get_by_text("Four-eyes is on")).to_be_visible()
    confirm = page.get_by_label("true-match")
    expect(confirm).to_be_enabled()
    confirm.check()
    page.get_by_label("Reason").fill("Registry extract: the listed Hikvision")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#alert-state")).to_have_text("true-match")
    decisions = page.locator("table.decisions tbody tr")
    expect(decisions).to_have_count(2)
    expect(decisions.nth(0)).to_contain_text("analyst1")
    expect(decisions.nth(1)).to_contain_text("reviewer1")
    # the reviewer who escalated another alert may not confirm it too
    other = open_alert(page, server, "B-5")
    page.goto(f"{server}/ui/alerts/{other}")
    page.get_by_label("escalated").check()
    page.get_by_label("Reason").fill("Looks like the listed Dahua")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_label("true-match")).to_be_disabled()
    expect(page.locator("form#decide")).to_contain_text("another person")


def test_an_analyst_cannot_confirm_a_true_match(page: Page, server: str) -> None:
    sign_in(page, server, "analyst1")
    alert_id = open_alert(page, server, "B-3")
    page.goto(f"{server}/ui/alerts/{alert_id}")
    confirm = page.get_by_label("true-match")
    expect(confirm).to_be_disabled()
    expect(page.locator("form#decide")).to_contain_text("needs the reviewer role")
    # a form altered in the browser is refused by the server all the same
    confirm.evaluate("radio => { radio.disabled = false; radio.checked = true; }")
    page.get_by_label("Reason").fill("I am sure")
    with page.expect_response(re.compile(rf".*/ui/alerts/{alert_id}/decide$")) as info:
        page.get_by_role("button", name="Record the decision").click()
    assert info.value.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
    page.goto(f"{server}/ui/alerts/{alert_id}")
    expect(page.locator("#alert-state")).to_have_text("open")


def test_a_keyboard_shortcut_decides(page: Page, server: str) -> None:
    sign_in(page, server, "analyst1")
    alert_id = open_alert(page, server, "B-1")
    page.goto(f"{server}/ui/alerts/{alert_id}")
    expect(page.get_by_text("Keyboard shortcuts")).to_be_visible()
    page.locator("h1").click()
    page.keyboard.press("f")
    expect(page.get_by_label("false-positive")).to_be_checked()
    expect(page.get_by_label("Reason")).to_be_focused()
    page.keyboard.type("Huawei Technologies Investment, not the listed company")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#decided")).to_contain_text("false-positive")
    expect(page.locator("#alert-state")).to_have_text("false-positive")
    # n opens the next alert of the queue
    next_link = page.locator("#next-alert")
    if next_link.count():
        target = next_link.get_attribute("href")
        page.locator("h1").click()
        page.keyboard.press("n")
        expect(page).to_have_url(re.compile(re.escape(str(target)) + "$"))
