"""Fewer round trips, in real Chromium: with the page's script a POST is answered with the next
page, and refresh and Back still never post again; without the script every step is
POST/redirect/GET. What the server receives is counted at the server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import follow

pytestmark = pytest.mark.browser

#: The guardian's four pages after the first question (which is on the start page).
LATER_PAGES: list[dict[str, str]] = [
    {"G1": "4", "G2": "3", "G3": "na", "G4": "2", "G5": "1"},
    {"G6": "4", "G7": "4", "G8": "3", "G9": "na"},
]


@pytest.fixture
def received(app: Any) -> Iterator[list[tuple[str, str]]]:
    """Every (method, path) the server receives for a family page (not static files)."""
    seen: list[tuple[str, str]] = []
    serve = app.wsgi_app

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        if not environ["PATH_INFO"].startswith("/static/"):
            seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return serve(environ, start_response)

    app.wsgi_app = counting
    yield seen
    app.wsgi_app = serve


def _answer(page: Any, answers: dict[str, str]) -> None:
    for key, value in answers.items():
        page.locator(f"#{key} input[value='{value}']").check()
    follow(page.get_by_role("button", name="Nästa"))


def _posts(received: list[tuple[str, str]]) -> list[str]:
    return [path for method, path in received if method == "POST" and path != "/s/sedd"]


def test_with_the_script_refresh_and_back_ask_for_pages_and_never_post_again(
    phone, live_server, make_invitation, received
):
    guardian = phone()
    page = guardian.page
    guardian.goto(f"/s/{make_invitation().token}")
    page.wait_for_url(f"{live_server}/s/")  # the token left the address bar
    page.wait_for_function("() => !!document.body")
    _answer(page, {"G0": "3"})
    assert page.url == f"{live_server}/s/q/2"
    assert _posts(received) == ["/s/q/1"]
    assert ("GET", "/s/q/2") not in received  # the POST's answer was the page

    page.reload()
    assert page.url == f"{live_server}/s/q/2"
    assert _posts(received) == ["/s/q/1"]  # refresh asked for the page, it did not post
    assert ("GET", "/s/q/2") in received

    _answer(page, LATER_PAGES[0])
    assert page.url == f"{live_server}/s/q/3"
    page.go_back()
    page.wait_for_url(f"{live_server}/s/q/2")
    assert guardian.checked_answers() == ["4", "3", "na", "2", "1"]  # saved, shown again
    assert _posts(received) == ["/s/q/1", "/s/q/2"]

    page.go_forward()
    page.wait_for_url(f"{live_server}/s/q/3")
    _answer(page, LATER_PAGES[1])
    page.locator("#G10 input[value='3']").check()
    page.locator("#G11 input[value='4']").check()
    follow(page.get_by_role("button", name="Skicka"))
    assert page.url == f"{live_server}/s/tack"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tack")
    assert _posts(received) == ["/s/q/1", "/s/q/2", "/s/q/3", "/s/q/4"]
    assert ("POST", "/s/sedd") in received  # the start page told it was opened


def test_without_the_script_every_step_is_post_redirect_get(
    phone, live_server, make_invitation, received
):
    guardian = phone(javascript=False)
    page = guardian.page
    token = make_invitation().token
    guardian.goto(f"/s/{token}")
    assert page.url == f"{live_server}/s/{token}"  # no script to move it: it goes at Next
    _answer(page, {"G0": "3"})
    assert page.url == f"{live_server}/s/q/2"
    assert received[-2:] == [("POST", "/s/q/1"), ("GET", "/s/q/2")]
    page.reload()
    assert _posts(received) == ["/s/q/1"]
    _answer(page, LATER_PAGES[0])
    page.go_back()
    page.wait_for_url(f"{live_server}/s/q/2")
    assert guardian.checked_answers() == ["4", "3", "na", "2", "1"]
    assert _posts(received) == ["/s/q/1", "/s/q/2"]
    assert ("POST", "/s/sedd") not in received
