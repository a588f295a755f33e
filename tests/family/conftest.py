"""Fixtures for the children's and young people's path: a live server and a phone in Chromium.

The browser tests drive Debian's Chromium (never a downloaded browser) against the real app on
127.0.0.1 with a real, migrated SQLite file. Each xdist worker gets its own browser; each test
its own server on a free port and its own database copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.browser import follow
from tests.staff.conftest import (  # noqa: F401  (fixtures: admins publish summaries)
    _cheap_password_hashing,
    make_user,
    staff_client,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

#: A complete child questionnaire (sip-child), page by page: one item per page.
CHILD_ANSWERS = ["3", "3", "2", "na", "1", "3", "2"]


@pytest.fixture
def begin() -> Callable[[FlaskClient, Any], None]:
    """Open an invitation's link and press Start (test client)."""

    def start(client: FlaskClient, invitation: Any) -> None:
        assert client.get(f"/s/{invitation.token}").status_code == 200
        response = client.post("/s/")
        assert response.status_code == 302, response.text

    return start


@pytest.fixture
def fresh(app: Flask) -> Callable[[], None]:
    """End the test thread's read transaction, so it sees what the server thread wrote."""
    from survey_app.extensions import db

    def refresh() -> None:
        db.session.rollback()
        db.session.expire_all()

    return refresh


@dataclass
class Phone:
    """A phone-sized browser page that remembers every request it made."""

    page: Any
    origin: str
    requests: list[Any] = field(default_factory=list)
    #: Script errors and Content-Security-Policy refusals seen on any page (there must be none).
    problems: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.origin + path)

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the test server (there must be none)."""
        foreign = []
        for request in self.requests:
            parts = urlsplit(request.url)
            if parts.scheme == "data":
                continue
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                foreign.append(request.url)
        return foreign

    def checked_answers(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "input[type=radio]:checked", "els => els.map(e => e.value)"
        )


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Callable[..., Phone]]:
    """Open a new phone (a fresh browser context: no cookies, no history)."""
    contexts: list[Any] = []
    phones: list[Phone] = []

    def open_phone(
        *, javascript: bool = True, init_script: str | None = None, width: int = 360
    ) -> Phone:
        context = browser.new_context(
            viewport={"width": width, "height": 740},
            has_touch=True,
            is_mobile=True,
            java_script_enabled=javascript,
            locale="sv-SE",
        )
        contexts.append(context)
        # A missing element fails fast instead of after Playwright's 30 s default.
        context.set_default_timeout(10_000)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        opened = Phone(page=page, origin=live_server)
        page.on("request", lambda request: opened.requests.append(request))
        page.on("pageerror", lambda error: opened.problems.append(f"script error: {error}"))

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                opened.problems.append(message.text)

        page.on("console", on_console)
        phones.append(opened)
        return opened

    yield open_phone
    for context in contexts:
        context.close()
    for opened in phones:
        assert opened.foreign_requests() == [], "a page made a third-party request"
        assert opened.problems == []


def axe_violations(page: Any) -> str:
    """axe-core's violations on the page, as a readable report ('' when there are none)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    if results.violations_count == 0:
        return ""
    return f"{page.url}: {results.violations_count} violation(s)\n{results.generate_report()}"


@pytest.fixture
def begin_in_browser() -> Callable[[Phone, Any], None]:
    """Open an invitation's link on a phone and reach the first question: a child or young
    person presses Start; a guardian's start page carries the first question itself."""

    def start(opened: Phone, invitation: Any) -> None:
        opened.goto(f"/s/{invitation.token}")
        if opened.page.locator("form[action='/s/q/1']").count():
            return
        # By the form, not the label: the start button is translated for other languages.
        follow(opened.page.locator("form[action='/s/'] button"))
        assert "/s/q/" in opened.page.url

    return start
