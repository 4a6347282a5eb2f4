"""Make the screenshots of the web interface shown in the README (docs/*.png).

    python docs/screenshots.py [--out docs]

It sets up a store of its own in a temporary directory (the bundled lists, and when
``../shared/data`` is beside the project two daily SDN files of February 2022, the OFAC
Consolidated list and the UN list) with a small book of parties, creates an analyst and an
admin, starts ``clearance serve`` and photographs the main pages in Debian's Chromium at a
laptop's size: the alert queue, an alert (escalated by the analyst) and the audit chain too.
Names in Chinese need a CJK font (``apt-get install fonts-wqy-zenhei``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import serve  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PASSWORD = "screenshots-only-password"
#: the book photographed: companies on the bundled lists and on the real ones, and others
BOOK = """reference,name,country,birth_date,schema
V-1001,Hangzhou Hikvision Digital Technology Co. Ltd,CN,,Company
V-1002,ZTE Corporation,CN,,Company
V-1003,Zhejiang Dahua Technology Co. Ltd,CN,,Company
V-1004,Inspur Group,CN,,Company
V-1005,Arkady Rotenberg,RU,1951-12-15,Person
V-1006,Bank Melli Iran,IR,,Company
V-1007,Northwind Garden Supplies Ltd,GB,,Company
"""
#: list files loaded when the real data is there: (source, path), in order
REAL_FILES = [
    ("us-ofac-sdn", "ofac/sdn-history/sdn-2022-02-23.csv.gz"),
    ("us-ofac-sdn", "ofac/sdn-history/sdn-2022-02-24.csv.gz"),
    ("us-ofac-cons", "ofac/consolidated-2025-12-19"),
    ("un-sc", "un/consolidated-2026-02-27.xml"),
]


def clearance(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run([sys.executable, "-m", "clearance", *args], env=env, input=stdin,
                   text=True, check=True, stdout=subprocess.DEVNULL)  # fmt: skip


def shoot(page: Page, out: Path, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out / f"{name}.png"), full_page=False)
    print(f"wrote {out / name}.png")


def pages(page: Page, base: str, out: Path, real: bool) -> None:
    page.goto(base + "/")
    shoot(page, out, "sign-in")
    page.get_by_label("User name").fill("analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/ui/search")
    page.goto(base + "/ui/search?q=Hikvision")
    page.locator("li.hit details").first.evaluate("d => d.open = true")
    shoot(page, out, "search")
    page.locator("li.hit h3 a").first.click()
    shoot(page, out, "entity")
    page.goto(base + "/ui/lists")
    shoot(page, out, "lists")
    if real:
        page.goto(base + "/ui/lists/us-ofac-sdn/diff?from=1&to=2")
        shoot(page, out, "diff")
    page.goto(base + "/ui/jobs")
    page.get_by_label("File").set_input_files(str(ROOT / "examples" / "vendors.csv"))
    page.get_by_role("button", name="Screen the file").click()
    page.wait_for_selector("#job[data-state=done]", timeout=600_000)
    shoot(page, out, "job")
    page.goto(base + "/ui/alerts?state=&order=score")
    shoot(page, out, "alerts")
    page.goto(base + "/ui/alerts?state=open&party=V-1001")
    page.locator("table.queue tbody tr td a").first.click()
    page.get_by_label("escalated").check()
    page.get_by_label("Reason").fill("Same name and country as the NDAA 889 entry; ask a reviewer")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector("#decided")
    shoot(page, out, "alert")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/ui/search")
    page.goto(base + "/ui/audit")
    page.wait_for_selector("#verify-status.ok", timeout=120_000)
    shoot(page, out, "audit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    real = SHARED.is_dir()
    with tempfile.TemporaryDirectory(prefix="clearance-shots-") as tmp:
        env = {**os.environ, "CLEARANCE_HOME": str(Path(tmp) / "home"),
               "CLEARANCE_API_RATE_PER_MINUTE": "0"}  # fmt: skip
        if real:
            for source, path in REAL_FILES:
                clearance(env, "load", source, str(SHARED / path), "--force")
        for role in ("analyst", "admin"):
            clearance(env, "users", "create", role, "--role", role, stdin=PASSWORD + "\n")
        book = Path(tmp) / "book.csv"
        book.write_text(BOOK, encoding="utf-8")
        clearance(env, "book", "import", str(book))
        server = serve(Path(env["CLEARANCE_HOME"]), env=env, wait=300)
        base = server.base
        try:
            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(Path(tmp) / "profile"), executable_path=CHROMIUM, headless=True,
                    args=FLAGS, viewport={"width": 1366, "height": 768},
                )  # fmt: skip
                pages(context.new_page(), base, args.out, real)
                context.close()
        finally:
            server.stop(30)


if __name__ == "__main__":
    main()
