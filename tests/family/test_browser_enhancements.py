"""What family.js adds, in real Chromium: quick exit, no double submit, focus on errors.

Read-aloud has its own file (test_browser_read_aloud.py)."""

from __future__ import annotations

import time

import pytest

from tests.browser import follow

pytestmark = pytest.mark.browser


def _child_question(phone, begin_in_browser, make_invitation, **options):
    invitation = make_invitation(role="child", **options.pop("invitation", {}))
    child = phone(**options)
    begin_in_browser(child, invitation)
    child.page.locator("#C0 input[value='3']").check()
    child.page.locator("button[value=next]").click()
    child.page.wait_for_url("**/s/q/2")
    child.page.wait_for_load_state()  # family.js (deferred) has run
    return child


def _exit_from_second_question(
    app, phone, live_server, begin_in_browser, make_invitation, **options
):
    """A child on question 2 presses "Lämna sidan snabbt"; returns the phone, at the exit site."""
    app.config["QUICK_EXIT_URL"] = f"{live_server}/s/ut"  # a local stand-in for smhi.se
    invitation = make_invitation(role="child")
    child = phone(**options)
    page = child.page
    child.goto("/tillganglighet")
    begin_in_browser(child, invitation)
    page.locator("#C0 input[value='3']").check()
    follow(page.get_by_role("button", name="Nästa"))
    assert page.url == f"{live_server}/s/q/2"
    page.get_by_role("link", name="Lämna sidan snabbt").click()
    page.wait_for_url(f"{live_server}/s/ut")
    return child


def _shows_no_questionnaire(page) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == "Öppna länken i sms:et igen"
    assert page.locator("input, .option, .progress").count() == 0


def test_quick_exit_ends_the_visit_and_replaces_the_page_in_the_history(
    app, phone, live_server, begin_in_browser, make_invitation
):
    child = _exit_from_second_question(app, phone, live_server, begin_in_browser, make_invitation)
    page = child.page
    page.go_back()
    # Question 2 is gone from the history; the page before it no longer shows the questionnaire.
    assert page.url == f"{live_server}/s/q/1"
    _shows_no_questionnaire(page)
    assert page.context.cookies() == []


def test_quick_exit_without_javascript_still_ends_the_visit(
    app, phone, live_server, begin_in_browser, make_invitation
):
    child = _exit_from_second_question(
        app, phone, live_server, begin_in_browser, make_invitation, javascript=False
    )
    page = child.page
    page.go_back()
    # Without JavaScript the page stays in the history (README), but it shows nothing of
    # the questionnaire: the server has forgotten the visit and the page is never cached.
    assert page.url == f"{live_server}/s/q/2"
    _shows_no_questionnaire(page)
    assert page.context.cookies() == []


def test_escape_three_times_leaves_too(app, phone, live_server, begin_in_browser, make_invitation):
    app.config["QUICK_EXIT_URL"] = f"{live_server}/s/ut"
    child = _child_question(phone, begin_in_browser, make_invitation)
    page = child.page
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert "/s/q/" in page.url
    page.keyboard.press("Escape")
    page.wait_for_url(f"{live_server}/s/ut")


def test_a_double_tap_sends_the_page_once(app, phone, begin_in_browser, make_invitation):
    child = _child_question(phone, begin_in_browser, make_invitation)
    page = child.page
    # A slow server keeps the first POST in flight while the second tap comes, as on a weak
    # connection; every POST that reaches it is counted.
    received: list[str] = []
    serve = app.wsgi_app

    def slow_posts(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST":
            received.append(environ["PATH_INFO"])
            time.sleep(0.6)
        return serve(environ, start_response)

    app.wsgi_app = slow_posts
    page.get_by_role("radio", name="Lite", exact=True).check()
    # Both taps from inside the page, 150 ms apart: the first POST is then on its way.
    page.evaluate(
        """() => new Promise((tapped) => {
          const next = document.querySelector("button[value=next]");
          next.click();
          setTimeout(() => { next.click(); tapped(); }, 150);
        })"""
    )
    page.wait_for_url("**/s/q/3")
    assert received == ["/s/q/2"]
    assert page.locator(".progress").inner_text() == "Fråga 3 av 7"


def test_error_summary_takes_the_focus(phone, begin_in_browser, make_invitation):
    invitation = make_invitation(role="guardian")
    guardian = phone()
    begin_in_browser(guardian, invitation)
    page = guardian.page
    follow(page.get_by_role("button", name="Nästa"))
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.className") == "error-summary"
