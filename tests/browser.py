"""The one headless Chromium of a test session and the live server it talks to.

Playwright's sync API runs an event loop per instance: two session-scoped instances in one
xdist worker (one per test folder) refuse to start, so the browser lives here, once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium must not reach the network on its own (updates, safe browsing, sync).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def follow(control: Any) -> None:
    """Tap a button or link that loads another page, and wait until that page has loaded.

    A click returns once its navigation has started, not finished: a reload, a Back or a look
    at the page right after it can meet the page it is leaving (and Chromium may refuse a reload
    while a POST's redirect is still under way).
    """
    with control.page.expect_navigation():
        control.click()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium. A missing browser fails the tests: it never skips them."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app on 127.0.0.1 (a free port) in a thread; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()
