"""Every family page renders in every family language, with the right lang and dir."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext
from markupsafe import escape

from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.i18n.commands import po_path
from survey_app.models import utcnow

LANGUAGES = list(FAMILY_LANGUAGES)
RTL = {"ar", "fa"}


def _html_tag(text: str) -> str:
    match = re.search(r"<html[^>]*>", text)
    assert match, "no <html> tag"
    return match.group(0)


def _translation(catalog: Catalog, msgid: str, context: str) -> str | None:
    """The catalog's translation of a singular message ('' while untranslated)."""
    message = catalog.get(msgid, context=context)
    assert message is not None, (msgid, context)
    assert not isinstance(message.string, (tuple, list)), "a plural message"
    return message.string


def _assert_in_language(text: str, language: str) -> None:
    """The page is marked as `language` and shows the quick-exit button in it."""
    direction = "rtl" if language in RTL else "ltr"
    assert _html_tag(text) == f'<html lang="{language}" dir="{direction}">'
    with force_locale(language):
        quick_exit = gettext("Lämna sidan snabbt")
    if language != "sv":
        assert quick_exit != "Lämna sidan snabbt", f"{language}: quick exit not translated"
    assert quick_exit in text


def test_catalog_languages_are_the_family_languages_minus_the_source() -> None:
    for language in LANGUAGES:
        assert po_path(language).exists() == (language != "sv"), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page(client, make_invitation, language):
    invitation = make_invitation(language=language)
    client.get(f"/s/{invitation.token}")
    response = client.get("/s/")
    assert response.status_code == 200
    _assert_in_language(response.text, language)


@pytest.mark.parametrize("role", ["guardian", "child", "youth"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_first_question_page_of_each_role(client, make_invitation, begin, role, language):
    invitation = make_invitation(role=role, language=language)
    response = client.get(begin(client, invitation))
    assert response.status_code == 200
    _assert_in_language(response.text, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_question_text_and_options_come_from_the_catalog(client, make_invitation, begin, language):
    invitation = make_invitation(role="guardian", language=language)
    text = client.get(begin(client, invitation)).text
    expected: list[str | None]
    if language == "sv":
        expected = ["Var du med på SIP-mötet?", "En stund"]
    else:
        with po_path(language).open("rb") as po_file:
            catalog = read_po(po_file)
        expected = [
            _translation(catalog, "Var du med på SIP-mötet?", context="sip-guardian:G0"),
            _translation(catalog, "En stund", context="scale:attended3"),
        ]
    for string in expected:
        assert string
        assert string in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_thank_you_page(client, make_invitation, answer_all, language):
    invitation = make_invitation(language=language)
    answer_all(client, invitation)
    response = client.get("/s/tack")
    assert response.status_code == 200
    _assert_in_language(response.text, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_closed_page(client, make_invitation, make_campaign, make_meeting, language):
    now = utcnow()
    campaign = make_campaign(opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))
    invitation = make_invitation(language=language, meeting=make_meeting(campaign=campaign))
    client.get(f"/s/{invitation.token}")
    response = client.get("/s/")
    assert response.status_code == 200
    _assert_in_language(response.text, language)
    with force_locale(language):
        assert gettext("Enkäten är stängd") in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_open_page_shows_the_date_in_the_language(
    client, make_invitation, make_campaign, make_meeting, language
):
    now = utcnow()
    campaign = make_campaign(opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=30))
    invitation = make_invitation(language=language, meeting=make_meeting(campaign=campaign))
    client.get(f"/s/{invitation.token}")
    response = client.get("/s/")
    assert response.status_code == 200
    _assert_in_language(response.text, language)
    with force_locale(language):
        assert gettext("Enkäten har inte öppnat än") in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_already_answered_page(client, app, make_invitation, answer_all, language):
    invitation = make_invitation(language=language)
    answer_all(client, invitation)
    other_phone = app.test_client()  # the same link opened again, elsewhere
    other_phone.get(f"/s/{invitation.token}")
    response = other_phone.get("/s/")
    assert response.status_code == 200
    _assert_in_language(response.text, language)
    with force_locale(language):
        assert gettext("Du har redan svarat") in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_link_not_valid_page_follows_the_browser_language(client, language):
    response = client.get("/s/not-a-real-token", headers={"Accept-Language": language})
    assert response.status_code == 404
    _assert_in_language(response.text, language)


def _in_language(language: str, text: str) -> str:
    """`text` translated, as the page's HTML writes it."""
    with force_locale(language):
        return str(escape(gettext(text)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_start_page_names_the_area_in_words_a_family_understands(
    client, make_invitation, language
):
    invitation = make_invitation(language=language, team="HLT Umeå")
    client.get(f"/s/{invitation.token}")
    page = client.get("/s/").text
    assert "Umeå med krans" not in page  # staff shorthand
    area = _in_language(language, "Umeå och kommunerna runt omkring")
    assert area in page
    assert (language == "sv") == (area == "Umeå och kommunerna runt omkring")


@pytest.mark.parametrize("role", ["guardian", "youth"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_start_page_spells_out_sip_and_hlt(client, make_invitation, role, language):
    invitation = make_invitation(role=role, language=language)
    client.get(f"/s/{invitation.token}")
    page = client.get("/s/").text
    assert '<dt lang="sv">SIP</dt>' in page
    assert '<dt lang="sv">HLT</dt>' in page
    for meaning in (
        "Samordnad individuell plan: en gemensam plan när ett barn får hjälp från flera håll.",
        "Hälsa, Lärande, Trygghet: skolan, vården och socialtjänsten i kommunen arbetar "
        "tillsammans.",
    ):
        assert _in_language(language, meaning) in page
