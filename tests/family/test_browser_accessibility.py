"""axe-core finds no violation on any family page, in a phone-sized Chromium."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from survey_app.domain.answering import SubmitOutcome, submit
from survey_app.extensions import db
from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.models import CampaignState, utcnow
from survey_app.questionnaires import get_questionnaire
from tests.browser import follow

from .conftest import ARTIFACTS, Phone, axe_violations
from .speech import FAKE_SPEECH, LOCAL_SWEDISH, voices_arrive

pytestmark = pytest.mark.browser


def _start(role: str, language: str = "sv") -> Callable[..., None]:
    def go(opened: Phone, make_invitation: Any, **_: Any) -> None:
        opened.goto(f"/s/{make_invitation(role=role, language=language).token}")
        # Start (children, young people) or the first question (guardians) on the start page.
        assert opened.page.locator("form[action='/s/'], form[action='/s/q/1']").count() == 1

    return go


def _question(role: str, answers: dict[str, str], page_number: int) -> Callable[..., None]:
    def go(opened: Phone, make_invitation: Any, begin_in_browser: Any, **_: Any) -> None:
        begin_in_browser(opened, make_invitation(role=role))
        page = opened.page
        for key, label in answers.items():
            page.locator(f"#{key}").get_by_role("radio", name=label, exact=True).check()
            follow(page.get_by_role("button", name="Nästa"))
        page.wait_for_url(f"**/s/q/{page_number}")
        page.wait_for_load_state()

    return go


def _child_question_with_read_aloud(opened: Phone, **fixtures: Any) -> None:
    _question("child", {"C0": "Ja"}, 2)(opened, **fixtures)
    voices_arrive(opened.page, LOCAL_SWEDISH)
    assert opened.page.get_by_role("button", name="Lyssna").is_visible()


def _guardian_errors(opened: Phone, make_invitation: Any, begin_in_browser: Any, **_: Any) -> None:
    begin_in_browser(opened, make_invitation(role="guardian"))
    follow(opened.page.get_by_role("button", name="Nästa"))
    assert opened.page.locator(".error-summary").is_visible()


def _thanks(role: str, handover: bool) -> Callable[..., None]:
    def go(opened: Phone, make_invitation: Any, begin_in_browser: Any, **_: Any) -> None:
        invitation = make_invitation(role=role)
        if handover:
            child = make_invitation(role="child", meeting=invitation.meeting, phone=None)
            child.handover_from_id = invitation.id
            db.session.commit()
        begin_in_browser(opened, invitation)
        page = opened.page
        first = {"guardian": "#G0", "child": "#C0", "youth": "#Y0"}[role]
        page.locator(first).get_by_role("radio", name="Nej", exact=True).check()
        while page.get_by_role("heading", name="Tack för dina svar!").count() == 0:
            follow(
                page.get_by_role("button", name="Nästa").or_(
                    page.get_by_role("button", name="Skicka svaren")
                )
            )
            for group in page.locator("fieldset").all():
                group.get_by_role("radio").first.check()
        if handover:
            assert page.get_by_role("button", name="Nu är det barnets tur").is_visible()

    return go


def _already_answered(opened: Phone, make_invitation: Any, **_: Any) -> None:
    invitation = make_invitation(role="child")
    questionnaire = get_questionnaire("sip-child")
    assert submit(invitation.id, questionnaire, {}) is SubmitOutcome.STORED
    opened.goto(f"/s/{invitation.token}")
    assert opened.page.get_by_role("heading", name="Du har redan svarat").is_visible()


def _campaign_page(opens_in: timedelta, closes_in: timedelta, heading: str) -> Callable[..., None]:
    def go(opened: Phone, make_invitation: Any, make_campaign: Any, make_meeting: Any, **_: Any):
        now = utcnow()
        campaign = make_campaign(
            opens_at=now + opens_in,
            closes_at=now + closes_in,
            state=CampaignState.OPEN,
        )
        invitation = make_invitation(role="youth", meeting=make_meeting(campaign=campaign))
        opened.goto(f"/s/{invitation.token}")
        assert opened.page.get_by_role("heading", name=heading).is_visible()

    return go


def _path(path: str, heading: str) -> Callable[..., None]:
    def go(opened: Phone, **_: Any) -> None:
        opened.goto(path)
        assert opened.page.get_by_role("heading", level=1).inner_text() == heading

    return go


def _goodbye(opened: Phone, make_invitation: Any, **_: Any) -> None:
    _start("child")(opened, make_invitation)
    follow(opened.page.get_by_role("link", name="Jag vill inte svara"))
    assert opened.page.get_by_role("heading", name="Du behöver inte svara").is_visible()


def _opted_out(opened: Phone, make_invitation: Any, **_: Any) -> None:
    _start("guardian")(opened, make_invitation)
    follow(opened.page.get_by_role("button", name="Jag vill inte få fler sms"))
    assert opened.page.get_by_role("heading", name="Du får inga fler sms").is_visible()


DAY = timedelta(days=1)
PAGES: dict[str, Callable[..., None]] = {
    "start-guardian": _start("guardian"),
    "start-child": _start("child"),
    "start-youth": _start("youth"),
    "start-child-arabic-rtl": _start("child", "ar"),
    "question-guardian": _question("guardian", {"G0": "Ja"}, 2),
    "question-guardian-error-summary": _guardian_errors,
    "question-child-faces-read-aloud": _child_question_with_read_aloud,
    "question-youth": _question("youth", {"Y0": "Ja"}, 2),
    "question-youth-free-text": _question(
        "youth", {f"Y{n}": "Ja" if n == 0 else "Ja, helt" for n in range(8)}, 9
    ),
    "thanks-guardian-hand-over": _thanks("guardian", handover=True),
    "thanks-child": _thanks("child", handover=False),
    "already-answered": _already_answered,
    "not-open-yet": _campaign_page(DAY, 30 * DAY, "Enkäten har inte öppnat än"),
    "closed": _campaign_page(-30 * DAY, -DAY, "Enkäten är stängd"),
    "link-not-valid": _path("/s/not-a-real-link", "Länken fungerar inte"),
    "no-session": _path("/s/", "Öppna länken i sms:et igen"),
    "goodbye": _goodbye,
    "opted-out": _opted_out,
    "accessibility-statement": _path("/tillganglighet", "Tillgänglighetsredogörelse"),
    "privacy-notice": _path("/s/integritet", "Så hanterar vi dina uppgifter"),
    "privacy-notice-child": _path("/s/integritet/barn", "Vad händer med dina svar?"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_family_page_has_no_axe_violations(
    name, phone, make_invitation, make_campaign, make_meeting, begin_in_browser
):
    opened = phone(init_script=FAKE_SPEECH)
    PAGES[name](
        opened,
        make_invitation=make_invitation,
        make_campaign=make_campaign,
        make_meeting=make_meeting,
        begin_in_browser=begin_in_browser,
    )
    opened.page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"), full_page=True)
    report = axe_violations(opened.page)
    assert report == "", report
    assert opened.foreign_requests() == []


def _in_language(language: str) -> dict[str, Callable[..., None]]:
    """The pages a family sees most, reached without depending on the words on the buttons."""

    def post(opened: Phone, path: str, form: dict[str, str]) -> None:
        response = opened.page.request.post(opened.origin + path, form=form, max_redirects=0)
        assert response.status == 302, response.text()

    def start_child(opened: Phone, make_invitation: Any, **_: Any) -> None:
        opened.goto(f"/s/{make_invitation(role='child', language=language).token}")

    def question_child(opened: Phone, make_invitation: Any, **_: Any) -> None:
        start_child(opened, make_invitation)
        post(opened, "/s/", {})
        post(opened, "/s/q/1", {"action": "next", "C0": "3"})
        opened.goto("/s/q/2")
        voices_arrive(opened.page, {"lang": language, "name": "Lokal", "localService": True})
        assert opened.page.locator("[data-read-aloud]").is_visible()

    def guardian_errors(opened: Phone, make_invitation: Any, **_: Any) -> None:
        opened.goto(f"/s/{make_invitation(role='guardian', language=language).token}")
        post(opened, "/s/", {})
        post(opened, "/s/q/1", {"action": "next", "G0": "3"})
        opened.goto("/s/q/2")
        follow(opened.page.locator("button[value=next]"))
        assert opened.page.locator(".error-summary a").count() == 5

    def thanks_child(opened: Phone, make_invitation: Any, **_: Any) -> None:
        start_child(opened, make_invitation)
        post(opened, "/s/", {})
        for number in range(1, 8):
            post(opened, f"/s/q/{number}", {"action": "next", f"C{number - 1}": "3"})
        opened.goto("/s/tack")
        assert opened.page.locator("body.child h1").count() == 1

    def page(path: str) -> Callable[..., None]:
        def go(opened: Phone, **_: Any) -> None:
            opened.goto(f"/s/hej-da?lang={language}")  # the language menu's choice
            opened.goto(path)

        return go

    return {
        "start-child": start_child,
        "question-child-read-aloud": question_child,
        "question-guardian-error-summary": guardian_errors,
        "thanks-child": thanks_child,
        "goodbye": page("/s/hej-da"),
        "privacy": page("/s/integritet"),
        "privacy-child": page("/s/integritet/barn"),
        "accessibility-statement": page("/tillganglighet"),
    }


@pytest.mark.parametrize("language", [code for code in FAMILY_LANGUAGES if code != "sv"])
def test_family_pages_have_no_axe_violations_in_every_language(language, phone, make_invitation):
    reports = []
    for name, go in _in_language(language).items():
        opened = phone(init_script=FAKE_SPEECH)
        go(opened, make_invitation=make_invitation)
        assert opened.page.locator("html").get_attribute("lang") == language, name
        reports.append(axe_violations(opened.page))
    report = "\n".join(filter(None, reports))
    assert report == "", report
