"""Page timings of the web interface: the search page's server time, and its time to first
render in the browser, each beside its baseline measured in the same run.

    PYTHONPATH=src python benchmarks/bench_web.py [--queries 200] [--renders 20]

- Server time: ``GET /ui/search?q=...`` (the page, rendered) against ``GET /search?q=...``
  (the JSON API: the same service call, no page) for the same names, over HTTP to a real
  ``clearance serve``, median and p95 over the names; the ratio is the page's own cost.
- First render: Chromium (Debian's, through Playwright) loading the search page with
  results, navigation start to first contentful paint, against the sign-in page (no search,
  the same stylesheet and script): the ratio is what the results add to the first paint.

The store holds the bundled lists, and the OFAC SDN list and UN list from ../shared/data
when it is there.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        search, baseline = [], []
        for i in range(renders):
            fcp, _ = first_paint(page, f"{base}/ui/search?q={NAMES[i % len(NAMES)]}")
            search.append(fcp)
            context.clear_cookies()
            fcp, _ = first_paint(signed_out, f"{base}/ui/sign-in")
            baseline.append(fcp)
            context.add_cookies(context_cookies)  # type: ignore[arg-type]
        context.close()
    s_med, s_p95 = quantiles(search)
    b_med, b_p95 = quantiles(baseline)
    print(f"time to first contentful paint over {renders} loads (median / p95):")
    print(f"  baseline: the sign-in page:        {b_med:.0f} / {b_p95:.0f} ms")
    print(f"  the search page with 20 results:   {s_med:.0f} / {s_p95:.0f} ms"
          f"  ratio {s_med / b_med:.2f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clearance-bench-web-") as tmp:
        env = {**os.environ, "CLEARANCE_HOME": str(Path(tmp) / "home"),
               "CLEARANCE_API_RATE_PER_MINUTE": "0"}  # fmt: skip
        if SHARED.is_dir():
            clearance(env, "load", "us-ofac-sdn", str(SHARED / "ofac" / "sdn-2023-12-28"))
            clearance(env, "load", "un-sc", str(SHARED / "un" / "consolidated-2026-02-27.xml"))
        clearance(env, "users", "create", "bench", "--role", "analyst", stdin=PASSWORD + "\n")
        key = subprocess.run(
            [sys.executable, "-m", "clearance", "keys", "create", "bench"],
            env=env, text=True, check=True, capture_output=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "clearance", "serve", "--port", str(port),
             "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.3)
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
            render_times(base, args.renders)
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
