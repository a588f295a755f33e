"""The first question page on the wire, as headless Chromium receives it from gunicorn: bytes
(compressed, headers included) and requests, with a cold cache, for guardian, child and youth.

  python benchmarks/page_weight.py [--runs 3]

Uses Debian's /usr/bin/chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import gunicorn, machine, prepare_database
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # the test suite's Chromium, offline

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BUDGET_BYTES = 14_950  # 14.6 KB: what fits the first round trip of a new TCP connection
BUDGET_REQUESTS = 3


def started_session(base_url: str, token: str) -> str:
    """Open the link and press Start over plain HTTP; returns the session cookie."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.get(f"/s/{token}")
        csrf = CSRF.search(client.get("/s/").text)
        if csrf is None:
            raise RuntimeError("no CSRF token on the start page")
        client.post("/s/", data={"csrf_token": csrf.group(1)})
        return str(client.cookies["sip"])


def measure(browser: Any, base_url: str, cookie: str) -> dict[str, Any]:
    """Load /s/q/1 in a fresh context (cold cache) and add up what crossed the wire."""
    context = browser.new_context()
    context.add_cookies([{"name": "sip", "value": cookie, "url": base_url}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requests: list[str] = []
    wire: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: requests.append(e["request"]["url"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: wire.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(f"{base_url}/s/q/1", wait_until="networkidle")
    title = page.title()
    context.close()
    return {
        "bytes": sum(wire.values()),
        "requests": len(requests),
        "urls": [url.replace(base_url, "") for url in requests],
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
                samples = [
                    measure(browser, base_url, started_session(base_url, t)) for t in role_tokens
                ]
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
