"""Arabic and Persian pages really run right to left in Chromium, with no axe violations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import follow

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _axe_report(page: Any) -> str:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return "" if results.violations_count == 0 else results.generate_report()


def _first_question(phone: Any, live_server: str, token: str) -> None:
    phone.goto(f"{live_server}/s/{token}")
    if phone.locator("form[action='/s/q/1']").count():
        return  # a guardian's start page carries the first question
    follow(phone.locator("form[action='/s/'] button[type=submit]"))
    phone.wait_for_url("**/s/q/*")


@pytest.mark.parametrize("language", ["ar", "fa"])
@pytest.mark.parametrize("role", ["guardian", "child"])
def test_a_question_page_runs_right_to_left(phone, live_server, make_invitation, language, role):
    _first_question(phone, live_server, make_invitation(role=role, language=language).token)
    assert phone.evaluate("document.dir") == "rtl"
    assert phone.evaluate("document.documentElement.lang") == language
    assert phone.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The answer options mirror: the first option's radio sits at the right edge of its box.
    box = phone.locator(".option").first.bounding_box()
    radio = phone.locator(".option input").first.bounding_box()
    assert radio["x"] > box["x"] + box["width"] / 2
    assert _axe_report(phone) == ""


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_the_start_page_runs_right_to_left_and_keeps_latin_names_in_order(
    phone, live_server, make_invitation, language
):
    phone.goto(f"{live_server}/s/{make_invitation(language=language).token}")
    assert phone.evaluate("document.dir") == "rtl"
    # Each language in the menu keeps its own direction (English stays left to right).
    english = phone.locator(".languages a[lang=en]")
    assert english.evaluate("element => getComputedStyle(element).direction") == "ltr"
    assert _axe_report(phone) == ""
