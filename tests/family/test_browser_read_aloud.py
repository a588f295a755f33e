"""Read-aloud ("Lyssna") in real Chromium, with a stubbed speechSynthesis.

Only a voice installed on the phone (localService === true) may read: a network voice would
send the page's text to the browser's vendor. With no such voice for the page's language the
button is not there, and nothing else on the page changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from survey_app.extensions import db

from .conftest import CHILD_ANSWERS, Phone
from .speech import (
    FAKE_SPEECH,
    LOCAL_SWEDISH,
    NETWORK_FINNISH,
    NETWORK_SWEDISH,
    NO_SPEECH,
    voices_arrive,
)

pytestmark = pytest.mark.browser

GUARDIAN_ANSWERS = [
    {"G0": "3"},
    {"G1": "4", "G2": "3", "G3": "na", "G4": "2", "G5": "1"},
    {"G6": "4", "G7": "4", "G8": "3", "G9": "na"},
    {"G10": "3", "G11": "4", "G12": ""},
]


def _post(opened: Phone, path: str, form: dict[str, str]) -> None:
    """Post a form with the phone's own cookies (the test app needs no form token)."""
    response = opened.page.request.post(opened.origin + path, form=form, max_redirects=0)
    assert response.status == 302, response.text()


def _open(opened: Phone, invitation: Any, *, start: bool = False) -> None:
    opened.goto(f"/s/{invitation.token}")
    if start:
        _post(opened, "/s/", {})


def _answer(opened: Phone, invitation: Any) -> None:
    """Answer the whole questionnaire, then show the thank-you page."""
    _open(opened, invitation, start=True)
    if invitation.role.value == "child":
        pages = [{f"C{n}": value} for n, value in enumerate(CHILD_ANSWERS)]
    else:
        pages = GUARDIAN_ANSWERS
    for number, answers in enumerate(pages, start=1):
        _post(opened, f"/s/q/{number}", {"action": "next", **answers})
    opened.goto("/s/tack")


def _child_start(opened: Phone, make_invitation: Callable[..., Any]) -> str:
    _open(opened, make_invitation(role="child"))
    return "Vad tyckte du om mötet?"


def _child_question(opened: Phone, make_invitation: Callable[..., Any]) -> str:
    _open(opened, make_invitation(role="child"), start=True)
    _post(opened, "/s/q/1", {"action": "next", "C0": "3"})
    opened.goto("/s/q/2")
    return "Visste du varför ni hade mötet? Ja. Lite. Nej. Vet inte"


def _child_thanks(opened: Phone, make_invitation: Callable[..., Any]) -> str:
    _answer(opened, make_invitation(role="child"))
    return (
        "Tack för dina svar! Dina svar är skickade. De hjälper oss att göra möten bättre för barn"
    )


def _guardian_start(opened: Phone, make_invitation: Callable[..., Any]) -> str:
    _open(opened, make_invitation(role="guardian"))
    return "Du var med på ett SIP-möte"


def _guardian_question(opened: Phone, make_invitation: Callable[..., Any]) -> str:
    _open(opened, make_invitation(role="guardian"), start=True)
    opened.goto("/s/q/1")
    return "Var du med på SIP-mötet? Ja. En stund. Nej"


def _hand_over(opened: Phone, make_invitation: Callable[..., Any]) -> str:
    guardian = make_invitation(role="guardian")
    child = make_invitation(role="child", meeting=guardian.meeting, phone=None)
    child.handover_from_id = guardian.id
    db.session.commit()
    _answer(opened, guardian)
    return "Ditt barn kan också svara. Barnet har en egen enkät på den här telefonen."


def _goodbye(opened: Phone, make_invitation: Callable[..., Any]) -> str:
    _open(opened, make_invitation(role="child"))
    opened.goto("/s/hej-da")
    return "Du behöver inte svara. Det är helt okej."


PAGES: dict[str, Callable[[Phone, Callable[..., Any]], str]] = {
    "child start": _child_start,
    "child question": _child_question,
    "child thanks": _child_thanks,
    "guardian start": _guardian_start,
    "guardian question": _guardian_question,
    "guardian thanks and hand-over": _hand_over,
    "goodbye": _goodbye,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_local_voice_reads_the_page(name, phone, make_invitation):
    opened = phone(init_script=FAKE_SPEECH)
    expected = PAGES[name](opened, make_invitation)
    page = opened.page
    button = page.get_by_role("button", name="Lyssna")
    assert button.count() == 0  # no voice yet: nothing to press
    voices_arrive(page, NETWORK_SWEDISH, LOCAL_SWEDISH)
    assert button.is_visible()
    button.click()
    (spoken,) = page.evaluate("window.__spoken")
    assert spoken["voice"] == "Alva"  # set explicitly: the browser cannot pick a network voice
    assert spoken["lang"] == "sv-SE"
    assert expected in spoken["text"]
    # Never the language menu, the buttons or the quick exit.
    for unread in ("English", "Nästa", "Börja", "Lämna sidan snabbt", "Lyssna"):
        assert unread not in spoken["text"]


def test_the_question_is_read_with_its_answers_and_nothing_else(phone, make_invitation):
    opened = phone(init_script=FAKE_SPEECH)
    _child_question(opened, make_invitation)
    voices_arrive(opened.page, LOCAL_SWEDISH)
    opened.page.get_by_role("button", name="Lyssna").click()
    assert opened.page.evaluate("window.__spoken") == [
        {
            "text": "Visste du varför ni hade mötet? Ja. Lite. Nej. Vet inte",
            "lang": "sv-SE",
            "voice": "Alva",
        }
    ]


@pytest.mark.parametrize("name", ["child start", "child question", "guardian question"])
def test_network_voices_alone_give_no_button(name, phone, make_invitation):
    opened = phone(init_script=FAKE_SPEECH)
    PAGES[name](opened, make_invitation)
    page = opened.page
    voices_arrive(page, NETWORK_SWEDISH)
    assert page.locator("[data-read-aloud]").count() == 1
    assert not page.locator("[data-read-aloud]").is_visible()
    # The page still works: the form goes on as before (the phone fixture checks no script
    # error happened).
    assert page.get_by_role("heading", level=1).count() == 1


def test_no_local_voice_for_the_pages_language_gives_no_button(phone, make_invitation):
    opened = phone(init_script=FAKE_SPEECH)
    _open(opened, make_invitation(role="child", language="fi"), start=True)
    opened.goto("/s/q/1")
    page = opened.page
    assert page.locator("html").get_attribute("lang") == "fi"
    voices_arrive(page, LOCAL_SWEDISH, NETWORK_FINNISH)  # a local voice, but not for Finnish
    assert not page.locator("[data-read-aloud]").is_visible()


def test_the_button_goes_when_the_local_voice_goes(phone, make_invitation):
    opened = phone(init_script=FAKE_SPEECH)
    _child_question(opened, make_invitation)
    page = opened.page
    voices_arrive(page, LOCAL_SWEDISH)
    assert page.locator("[data-read-aloud]").is_visible()
    voices_arrive(page, NETWORK_SWEDISH)
    assert not page.locator("[data-read-aloud]").is_visible()


def test_read_aloud_is_not_offered_without_speech_synthesis(phone, make_invitation):
    opened = phone(init_script=NO_SPEECH)
    _child_question(opened, make_invitation)
    page = opened.page
    assert page.evaluate("typeof window.speechSynthesis") == "undefined"
    assert page.locator("[data-read-aloud]").count() == 1
    assert not page.locator("[data-read-aloud]").is_visible()
