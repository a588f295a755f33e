"""A young person (12–18) answers on their own phone in real Chromium, by keyboard only."""

from __future__ import annotations

import json

import pytest

from tests.answers import submitted

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def _tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focus is on an element matching `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _pick(page, steps_down: int) -> None:
    """Focus the answers by Tab, select the first with Space, move down with the arrow keys."""
    _tab_to(page, "input[type=radio]")
    page.keyboard.press("Space")
    for _ in range(steps_down):
        page.keyboard.press("ArrowDown")


def _press_next(page) -> None:
    _tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_young_person_answers_by_keyboard_only(phone, db, fresh, make_invitation):
    invitation = make_invitation(role="youth")
    young = phone()
    page = young.page
    young.goto(f"/s/{invitation.token}")
    assert page.locator("body").get_attribute("class") == "family youth"
    _tab_to(page, "form[action='/s/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Y0: "Ja" (first); Y1–Y7: a spread of answers, "Vet inte" is the fifth option.
    steps = [0, 0, 1, 2, 3, 4, 1, 0]
    for number, down in enumerate(steps, start=1):
        assert page.locator(".progress").inner_text() == f"Fråga {number} av 9"
        assert page.locator("svg.face").count() == 0
        _pick(page, down)
        if number == 3:
            page.screenshot(path=str(ARTIFACTS / "youth-question.png"), full_page=True)
        with page.expect_navigation():
            _press_next(page)

    assert page.get_by_role("heading", level=1).inner_text() == (
        "Vad ska de vuxna göra annorlunda nästa gång?"
    )
    _tab_to(page, "textarea")
    page.keyboard.type("Fråga mig först.")
    _tab_to(page, "button[value=next]")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skicka svaren"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för dina svar!"

    fresh()
    (response,) = [r for r in submitted() if r.questionnaire_key == "sip-youth"]
    stored = response.answers
    assert stored == {
        "Y0": (3, None),
        "Y1": (4, None),
        "Y2": (3, None),
        "Y3": (2, None),
        "Y4": (1, None),
        "Y5": (None, None),
        "Y6": (3, None),
        "Y7": (4, None),
        "Y8": (None, "Fråga mig först."),
    }
    assert young.foreign_requests() == []
