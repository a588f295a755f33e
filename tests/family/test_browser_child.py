"""A child of 6–11 answers on a phone in real Chromium: with JavaScript, without, and after a
guardian has handed the phone over."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.domain.answering import has_answered
from survey_app.models import Draft
from tests.answers import draft_of, submitted
from tests.browser import follow

from .conftest import ARTIFACTS, CHILD_ANSWERS

pytestmark = pytest.mark.browser

#: The label a child taps for each stored value.
LABELS = {"3": "Ja", "2": "Lite", "1": "Nej", "na": "Vet inte"}


def _choose(page, label):
    page.get_by_role("radio", name=label, exact=True).check()


def _next(page):
    follow(page.get_by_role("button", name="Nästa"))


def _stored_child_answers(db):
    (response,) = [r for r in submitted() if r.questionnaire_key == "sip-child"]
    return {key: value for key, (value, _text) in response.answers.items()}


def test_child_answers_with_javascript(phone, db, fresh, make_invitation):
    invitation = make_invitation(role="child")
    child = phone()
    page = child.page
    child.goto(f"/s/{invitation.token}")
    assert page.locator("body").get_attribute("class") == "family child"
    follow(page.get_by_role("button", name="Börja"))

    # 1: Were you at the meeting? Yes.
    assert page.locator(".progress").inner_text() == "Fråga 1 av 7"
    _choose(page, "Ja")
    _next(page)
    # 2: no answer at all is allowed and moves on.
    assert page.get_by_role("heading", level=1).inner_text() == "Visste du varför ni hade mötet?"
    _next(page)
    assert page.locator(".progress").inner_text() == "Fråga 3 av 7"
    assert page.locator(".notice.error, .error-summary").count() == 0
    # 3: "Lite", then back and changed to "Ja" from page 4.
    _choose(page, "Lite")
    page.screenshot(path=str(ARTIFACTS / "child-question.png"), full_page=True)
    _next(page)
    follow(page.get_by_role("button", name="Tillbaka"))
    assert page.locator(".progress").inner_text() == "Fråga 3 av 7"
    assert child.checked_answers() == ["2"]
    _choose(page, "Ja")
    _next(page)
    # 4: a reload mid-form keeps the place.
    page.reload()
    assert page.locator(".progress").inner_text() == "Fråga 4 av 7"
    _choose(page, "Vet inte")
    _next(page)
    for value in ("1", "3"):
        _choose(page, LABELS[value])
        _next(page)
    _choose(page, "Lite")
    follow(page.get_by_role("button", name="Skicka svaren"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för dina svar!"

    # History back after submitting shows no answers: no draft, no form, nothing checked.
    page.go_back()
    assert page.locator("input[type=radio]").count() == 0
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för dina svar!"

    fresh()
    assert _stored_child_answers(db) == {
        "C0": 3,
        "C1": None,
        "C2": 3,
        "C3": None,
        "C4": 1,
        "C5": 3,
        "C6": 2,
    }
    assert draft_of(invitation.id) is None
    assert child.foreign_requests() == []


def test_child_answers_without_javascript(phone, db, fresh, make_invitation):
    invitation = make_invitation(role="child")
    child = phone(javascript=False)
    page = child.page
    child.goto(f"/s/{invitation.token}")
    follow(page.get_by_role("button", name="Börja"))
    assert page.get_by_role("button", name="Lyssna").count() == 0  # hidden without JS
    exit_link = page.get_by_role("link", name="Lämna sidan snabbt")
    assert exit_link.get_attribute("href") == "/s/lamna"  # forgets the visit, then leaves
    for value in CHILD_ANSWERS[:-1]:
        _choose(page, LABELS[value])
        _next(page)
    _choose(page, LABELS[CHILD_ANSWERS[-1]])
    follow(page.get_by_role("button", name="Skicka svaren"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för dina svar!"
    fresh()
    expected = {f"C{n}": LABELS[v] for n, v in enumerate(CHILD_ANSWERS)}
    stored = _stored_child_answers(db)
    assert {key: (str(v) if v else "na") for key, v in stored.items()} == {
        key: next(k for k, label in LABELS.items() if label == name)
        for key, name in expected.items()
    }


def test_answer_cards_and_buttons_are_big_enough_to_tap(phone, begin_in_browser, make_invitation):
    invitation = make_invitation(role="child")
    child = phone()
    page = child.page
    begin_in_browser(child, invitation)
    _choose(page, "Ja")
    _next(page)
    targets = page.locator(".option, .actions button, #quick-exit")
    assert targets.count() == 7  # four answers, two buttons, quick exit
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        assert box is not None
        assert box["height"] >= 48, targets.nth(index).inner_text()
    faces = page.locator("svg.face")
    assert faces.count() == 3
    for index in range(3):
        assert faces.nth(index).get_attribute("aria-hidden") == "true"


def _complete_guardian_in_browser(page):
    _choose(page, "Ja")
    _next(page)
    for key in ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9", "G10"):
        page.locator(f"#{key}").get_by_role("radio", name="Ja, helt").check()
        if key in ("G5", "G9"):
            _next(page)
    page.locator("#G11").get_by_role("radio", name="Mycket nöjd").check()
    follow(page.get_by_role("button", name="Skicka svaren"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för dina svar!"


@pytest.fixture
def handed_over(make_invitation):
    from survey_app.extensions import db

    guardian = make_invitation(role="guardian")
    child = make_invitation(role="child", meeting=guardian.meeting, phone=None)
    child.handover_from_id = guardian.id
    db.session.commit()
    return guardian, child


def test_guardian_hands_the_phone_over_and_the_child_leaves_no_trace(
    phone, db, fresh, begin_in_browser, handed_over
):
    guardian, child_invitation = handed_over
    shared = phone()
    page = shared.page
    begin_in_browser(shared, guardian)
    _complete_guardian_in_browser(page)

    follow(page.get_by_role("button", name="Nu är det barnets tur"))
    assert page.locator("body").get_attribute("class") == "family child"
    assert "Ingen får veta vad du svarar." in page.locator("main").inner_text()
    follow(page.get_by_role("button", name="Börja"))
    for value in CHILD_ANSWERS[:-1]:
        _choose(page, LABELS[value])
        _next(page)
    _choose(page, LABELS[CHILD_ANSWERS[-1]])
    follow(page.get_by_role("button", name="Skicka svaren"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för dina svar!"
    assert page.get_by_role("button", name="Nu är det barnets tur").count() == 0

    # The guardian takes the phone back and presses Back through the child's pages.
    for _ in range(4):
        page.go_back()
        assert page.locator("input:checked").count() == 0, page.url
        assert "Nej" not in page.locator("main").inner_text().split()
    # ... or opens the child's link again.
    shared.goto(f"/s/{child_invitation.token}")
    shared.goto("/s/q/3")
    assert page.get_by_role("heading", level=1).inner_text() == "Du har redan svarat"
    assert page.locator("input").count() == 0

    fresh()
    assert has_answered(child_invitation.id)
    assert db.session.scalar(select(Draft)) is None


def test_child_link_opened_after_the_guardians_on_the_same_phone(
    phone, db, fresh, begin_in_browser, handed_over
):
    guardian, child_invitation = handed_over
    shared = phone()
    begin_in_browser(shared, guardian)
    _complete_guardian_in_browser(shared.page)
    begin_in_browser(shared, child_invitation)
    page = shared.page
    assert page.locator(".progress").inner_text() == "Fråga 1 av 7"
    _choose(page, "Nej")  # not at the meeting: the questions about it are skipped
    _next(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för dina svar!"
    fresh()
    assert has_answered(child_invitation.id)
