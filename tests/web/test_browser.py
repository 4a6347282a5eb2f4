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
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from tests.api.test_server import free_port

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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`clearance serve` in its own process, with a screener, an analyst and an admin."""
    home = tmp_path_factory.mktemp("browser") / "home"
    for role in ("screener", "analyst", "admin"):
        clearance(home, "users", "create", f"{role}1", "--role", role, stdin=PASSWORD + "\n")
    port = free_port()
    env = {**os.environ, "CLEARANCE_HOME": str(home), "CLEARANCE_API_RATE_PER_MINUTE": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "clearance", "serve", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the server did not become ready"
        time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        if process.stderr:
            process.stderr.close()


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
                 "/ui/audit", "/ui/admin/users",
                 "/ui/entities/us-ndaa-889:hangzhou-hikvision-digital-technology"):  # fmt: skip
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate(UNLABELLED) == [], path
        expect(page.locator("h1")).to_have_count(1)
        assert page.evaluate("document.documentElement.lang") == "en"
