"""Page timings of the web interface: the search page and the alert queue, server time and
time to first render in the browser, each beside its baseline measured in the same run.

    PYTHONPATH=src python benchmarks/bench_web.py [--queries 200] [--renders 20] [--parties 1000]

- Server time: ``GET /ui/search?q=...`` (the page, rendered) against ``GET /search?q=...``
  (the JSON API: the same service call, no page) for the same names, over HTTP to a real
  ``clearance serve``, median and p95 over the names; the ratio is the page's own cost.
- The alert queue: a book of ``--parties`` parties named as listed companies (every one of
  them alerts, most on several lists: over 1,000 open alerts), imported before the server
  starts. ``GET /ui/alerts`` (the first page of 50 open or escalated alerts, with the count of
  all) and a filtered page (one list, score at least 0.9, newest first) against ``GET
  /alerts`` (the JSON API: the same service call, 50 open alerts).
- First render: Chromium (Debian's, through Playwright), navigation start to first contentful
  paint, of the search page with results and of the alert queue, against the sign-in page (no
  search, the same stylesheet and script): the ratio is what each page adds to the first paint.

The store holds the bundled lists, and the OFAC SDN list and UN list from ../shared/data
when it is there.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import serve  # noqa: E402

STATUTORY = ROOT / "src" / "clearance" / "data" / "statutory"
SHARED = ROOT.parent / "shared" / "data"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PASSWORD = "benchmark-only-password"
NAMES = [
    "Hikvision", "Huawei Technologies", "Dahua", "Rosneft", "Gazprombank", "Kim Jong Un",
    "Islamic Revolutionary Guard Corps", "Sberbank", "ZTE Corporation", "Hytera",
    "Vladimir Putin", "Al-Qaida", "Bank Melli", "China Mobile", "Arkady Rotenberg",
    "Northwind Trading", "Mahan Air", "Rostec", "SMIC", "Inspur",
]  # fmt: skip


def clearance(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run([sys.executable, "-m", "clearance", *args], env=env, input=stdin,
                   text=True, check=True, stdout=subprocess.DEVNULL)  # fmt: skip


def quantiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def server_times(base: str, key: str, cookie: str, queries: int) -> None:
    page_times, api_times = [], []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(queries):
            q = NAMES[i % len(NAMES)]
            started = time.perf_counter()
            api = client.get("/search", params={"q": q, "limit": 20},
                             headers={"Authorization": f"Bearer {key}"})  # fmt: skip
            api_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            page = client.get("/ui/search", params={"q": q},
                              cookies={"clearance_session": cookie})  # fmt: skip
            page_times.append(time.perf_counter() - started)
            assert api.status_code == 200 and page.status_code == 200, (api.text, page.text)
    (api_med, api_p95), (page_med, page_p95) = quantiles(api_times), quantiles(page_times)
    print(f"server time over {queries} searches (median / p95):")
    print(f"  baseline GET /search (JSON API): {api_med * 1000:.1f} / {api_p95 * 1000:.1f} ms")
    print(f"  GET /ui/search (the page):       {page_med * 1000:.1f} / {page_p95 * 1000:.1f} ms"
          f"  ratio {page_med / api_med:.2f}x / {page_p95 / api_p95:.2f}x")  # fmt: skip


def book_file(path: Path, parties: int) -> None:
    """A book of parties named as the companies of the bundled 1260H and UFLPA lists, in
    turn (the same name under several references is several parties)."""
    names: list[str] = []
    for name in ("us-dod-1260h.yaml", "us-dhs-uflpa.yaml"):
        data = yaml.safe_load((STATUTORY / name).read_text(encoding="utf-8"))
        names += [str(e["name"]) for e in data["entries"] if e.get("name")]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["reference", "name", "country"])
        for i in range(parties):
            writer.writerow([f"P-{i:05d}", names[i % len(names)], "CN"])


def timed(client: httpx.Client, path: str, params: dict[str, Any], **kw: Any) -> float:
    started = time.perf_counter()
    response = client.get(path, params=params, **kw)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text[:500]
    return elapsed


def queue_times(base: str, key: str, cookie: str, queries: int) -> None:
    auth = {"headers": {"Authorization": f"Bearer {key}"}}
    session = {"cookies": {"clearance_session": cookie}}
    with httpx.Client(base_url=base, timeout=60) as client:
        counted = client.get("/ui/alerts.json", params={"state": "open"}, **session).json()
        source = counted["alerts"][0]["source"]
        print(f"alert queue: {counted['total']:,} open alerts")
        filtered = {"state": "", "source": source, "min_score": "0.9", "order": "newest"}
        times: dict[str, list[float]] = {"api": [], "page": [], "filtered": []}
        for _ in range(queries):
            times["api"].append(timed(client, "/alerts", {"state": "open", "limit": 50}, **auth))
            times["page"].append(timed(client, "/ui/alerts", {}, **session))
            times["filtered"].append(timed(client, "/ui/alerts", filtered, **session))
    (a_med, a_p95) = quantiles(times["api"])
    print(f"server time over {queries} requests each (median / p95):")
    print(f"  baseline GET /alerts?state=open&limit=50 (JSON API): {a_med * 1000:.1f} / "
          f"{a_p95 * 1000:.1f} ms")  # fmt: skip
    for name, label in (("page", "GET /ui/alerts (first page of 50, counted)"),
                        ("filtered", f"GET /ui/alerts ({source}, >= 0.9, newest)")):  # fmt: skip
        med, p95 = quantiles(times[name])
        print(f"  {label}: {med * 1000:.1f} / {p95 * 1000:.1f} ms  ratio {med / a_med:.2f}x")


PAINT = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return {fcp: paint ? paint.startTime : null, response: nav.responseEnd};
}"""


def first_paint(page: Page, url: str) -> tuple[float, float]:
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => performance.getEntriesByName('first-contentful-paint').length > 0"
    )
    found = page.evaluate(PAINT)
    return float(found["fcp"]), float(found["response"])


def render_times(base: str, renders: int) -> None:
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1366, "height": 768},
        )  # fmt: skip
        page = context.new_page()
        page.goto(base + "/ui/sign-in")
        page.get_by_label("User name").fill("bench")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url("**/ui/search")
        signed_out = context.new_page()
        context_cookies = context.cookies()
        search, queue, baseline = [], [], []
        for i in range(renders):
            fcp, _ = first_paint(page, f"{base}/ui/search?q={NAMES[i % len(NAMES)]}")
            search.append(fcp)
            fcp, _ = first_paint(page, f"{base}/ui/alerts")
            queue.append(fcp)
            context.clear_cookies()
            fcp, _ = first_paint(signed_out, f"{base}/ui/sign-in")
            baseline.append(fcp)
            context.add_cookies(context_cookies)  # type: ignore[arg-type]
        context.close()
    b_med, b_p95 = quantiles(baseline)
    print(f"time to first contentful paint over {renders} loads (median / p95):")
    print(f"  baseline: the sign-in page:        {b_med:.0f} / {b_p95:.0f} ms")
    for label, found in (("the search page with 20 results", search),
                         ("the alert queue (50 of them)", queue)):  # fmt: skip
        med, p95 = quantiles(found)
        print(f"  {label + ':':34} {med:.0f} / {p95:.0f} ms  ratio {med / b_med:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--parties", type=int, default=1000, help="book parties (alerts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clearance-bench-web-") as tmp:
        env = {**os.environ, "CLEARANCE_HOME": str(Path(tmp) / "home"),
               "CLEARANCE_API_RATE_PER_MINUTE": "0"}  # fmt: skip
        if SHARED.is_dir():
            clearance(env, "load", "us-ofac-sdn", str(SHARED / "ofac" / "sdn-2023-12-28"))
            clearance(env, "load", "un-sc", str(SHARED / "un" / "consolidated-2026-02-27.xml"))
        clearance(env, "users", "create", "bench", "--role", "analyst", stdin=PASSWORD + "\n")
        book = Path(tmp) / "book.csv"
        book_file(book, args.parties)
        started = time.perf_counter()
        clearance(env, "book", "import", str(book))
        print(f"book of {args.parties:,} parties imported in {time.perf_counter() - started:.1f} s")
        key = subprocess.run(
            [sys.executable, "-m", "clearance", "keys", "create", "bench", "--role", "analyst"],
            env=env, text=True, check=True, capture_output=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        server = serve(Path(env["CLEARANCE_HOME"]), "--log-level", "warning", env=env, wait=300)
        base = server.base
        try:
            with httpx.Client(base_url=base) as client:
                form = client.get("/ui/sign-in")
                token = form.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
                client.post("/ui/sign-in", data={"csrf": token, "name": "bench",
                                                 "password": PASSWORD})  # fmt: skip
                cookie = client.cookies["clearance_session"]
            for q in NAMES:  # warm both paths once
                httpx.get(base + "/search", params={"q": q},
                          headers={"Authorization": f"Bearer {key}"})  # fmt: skip
            server_times(base, key, cookie, args.queries)
            queue_times(base, key, cookie, args.queries)
            render_times(base, args.renders)
        finally:
            server.stop(30)


if __name__ == "__main__":
    main()
