"""Which language a family sees: invitation, menu choice, browser, Swedish — and bad input."""

from __future__ import annotations

import re

import pytest

from survey_app.i18n import FAMILY_LANGUAGES


def _lang(text: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]*)" dir="([^"]*)">', text)
    assert match, "no <html lang dir>"
    return match.group(1), match.group(2)


def _open(client, invitation, **headers):
    # The start page (200), or a redirect to /s/ for a link that has answered or closed.
    assert client.get(f"/s/{invitation.token}", headers=headers).status_code in (200, 302)
    return client.get("/s/", headers=headers)


def test_the_invitation_language_wins_over_the_browser(client, make_invitation):
    invitation = make_invitation(language="fa")
    page = _open(client, invitation, **{"Accept-Language": "fi,en;q=0.8"})
    assert _lang(page.text) == ("fa", "rtl")


def test_the_menu_names_each_language_in_itself_with_lang_and_hreflang(client, make_invitation):
    page = _open(client, make_invitation(language="sv"))
    for language in FAMILY_LANGUAGES.values():
        link = (
            f'<a href="/s/?lang={language.code}" lang="{language.code}" '
            f'hreflang="{language.code}" dir="{language.direction}"'
        )
        assert link in page.text
        assert f">{language.native_name}</a>" in page.text
    assert 'aria-current="true">Svenska</a>' in page.text


def test_a_choice_from_the_menu_persists_through_the_questionnaire(client, make_invitation):
    invitation = make_invitation(language="ar")
    _open(client, invitation)
    chosen = client.get("/s/?lang=fi")
    assert chosen.status_code == 302
    assert chosen.headers["Location"] == "/s/"  # the parameter is dropped
    assert _lang(client.get("/s/").text) == ("fi", "ltr")
    first = client.post("/s/").headers["Location"]
    assert _lang(client.get(first).text) == ("fi", "ltr")
    second = client.post(first, data={"G0": "3"}).headers["Location"]
    page = client.get(second)
    assert _lang(page.text) == ("fi", "ltr")
    assert "Kyllä, täysin" in page.text


def test_the_choice_can_be_changed_back(client, make_invitation):
    _open(client, make_invitation(language="en"))
    client.get("/s/?lang=ar")
    assert _lang(client.get("/s/").text) == ("ar", "rtl")
    client.get("/s/?lang=sv")
    assert _lang(client.get("/s/").text) == ("sv", "ltr")


@pytest.mark.parametrize(
    "value",
    ["xx", "", "de", "AR", "ar-SA", "../../etc/passwd", "<script>", "sv" * 500, "fi\n", "%00"],
)
def test_an_unknown_lang_value_is_ignored(client, make_invitation, value):
    _open(client, make_invitation(language="so"))
    response = client.get("/s/", query_string={"lang": value})
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/"
    assert _lang(client.get("/s/").text) == ("so", "ltr")


@pytest.mark.parametrize("language", ["de", "xx", "se", "", "sv-FI"])
def test_an_invitation_in_a_language_no_longer_offered_falls_back_to_swedish(
    client, make_invitation, answer_all, language
):
    invitation = make_invitation(language=language)
    assert _lang(_open(client, invitation).text) == ("sv", "ltr")
    answer_all(client, invitation)
    thanks = client.get("/s/tack")
    assert thanks.status_code == 200
    assert _lang(thanks.text) == ("sv", "ltr")
    assert "Tack för dina svar!" in thanks.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fi", "fi"),
        ("ar-SA,ar;q=0.9,en;q=0.8", "ar"),
        ("de-DE,en;q=0.5", "en"),
        ("de", "sv"),
        ("", "sv"),
        ("*", "sv"),
        (";;;,,,", "sv"),
        ("en;q=abc", "sv"),
        ("fi;q=1.5, so;q=-1", "fi or sv"),  # out-of-range weights: either reading is fine
        ("x" * 5000, "sv"),
        ("\u00e5\u00e4\u00f6;q=0.5", "sv"),
    ],
)
def test_without_an_invitation_the_browser_language_decides_and_a_broken_header_is_harmless(
    client, header, expected
):
    response = client.get("/s/no-such-token", headers={"Accept-Language": header})
    assert response.status_code == 404
    assert _lang(response.text)[0] in expected.split(" or ")


def test_the_menu_is_on_the_thank_you_page(client, make_invitation, answer_all):
    invitation = make_invitation(language="ti")
    answer_all(client, invitation)
    page = client.get("/s/tack")
    assert 'hreflang="ar"' in page.text
    client.get("/s/tack?lang=en")
    assert _lang(client.get("/s/tack").text) == ("en", "ltr")


def test_the_menu_is_on_the_message_pages(client, make_invitation, answer_all, app):
    invitation = make_invitation(language="fi")
    answer_all(client, invitation)
    other = app.test_client()
    page = _open(other, invitation)  # "you have already answered"
    assert 'hreflang="fa"' in page.text
    other.get("/s/?lang=fa")
    assert _lang(other.get("/s/").text) == ("fa", "rtl")


def test_a_choice_on_the_page_the_link_opened_keeps_the_visit(client, make_invitation):
    """The link's page is served at /s/<token>; its menu goes to /s/, not to the link again
    (which would start the visit afresh and forget the choice)."""
    invitation = make_invitation(language="sv")
    page = client.get(f"/s/{invitation.token}")
    assert 'href="/s/?lang=fi"' in page.text
    assert client.get("/s/?lang=fi").headers["Location"] == "/s/"
    assert _lang(client.get("/s/").text) == ("fi", "ltr")
