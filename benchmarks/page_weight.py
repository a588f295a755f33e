"""A fresh link to the first question on the wire, as headless Chromium receives it from
gunicorn: bytes (compressed, headers included) and requests, with a cold cache, for guardian,
child and youth (the child and youth start pages have a Start button; it is pressed).

  python benchmarks/page_weight.py [--runs 3]

Uses Debian's /usr/bin/chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import gunicorn, machine, prepare_database
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # the test suite's Chromium, offline

BUDGET_BYTES = 14_950  # 14.6 KB: what fits the first round trip of a new TCP connection
BUDGET_REQUESTS = 3


def measure(browser: Any, base_url: str, token: str) -> dict[str, Any]:
    """A fresh link opened in a new context (cold cache), to the first question shown: press
    Start where the start page has one. Adds up everything that crossed the wire (the start
    page's "seen" beacon, sent after the page has shown, is listed apart)."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requests: dict[str, str] = {}
    wire: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: requests.__setitem__(e["requestId"], e["request"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: wire.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(f"{base_url}/s/{token}", wait_until="networkidle")
    start = page.locator("form[action='/s/'] button")
    if start.count():
        with page.expect_navigation(wait_until="networkidle"):
            start.click()
    title = page.title()
    context.close()
    shown = {key: url for key, url in requests.items() if not url.endswith("/s/sedd")}
    return {
        "bytes": sum(wire.get(key, 0) for key in shown),
        "requests": len(shown),
        "beacon_bytes": sum(wire.get(key, 0) for key in requests if key not in shown),
        "urls": [url.replace(base_url, "") for url in shown.values()],
        "title": title,
    }


def run(runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {"machine": machine(), "roles": {}}
    with tempfile.TemporaryDirectory(prefix="sip-weight-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'weight.sqlite3'}"
        tokens = {
            role: prepare_database(url, runs, role) for role in ("guardian", "child", "youth")
        }
        with gunicorn(url, workers=2) as (base_url, _pid), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for role, role_tokens in tokens.items():
                samples = [measure(browser, base_url, t) for t in role_tokens]
                bytes_ = statistics.median(s["bytes"] for s in samples)
                count = statistics.median(s["requests"] for s in samples)
                results["roles"][role] = {
                    "bytes_median": bytes_,
                    "requests_median": count,
                    "within_budget": bytes_ <= BUDGET_BYTES and count <= BUDGET_REQUESTS,
                    "urls": samples[0]["urls"],
                    "title": samples[0]["title"],
                }
            browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    print(json.dumps(run(parser.parse_args().runs), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
