"""With CSRF on: a stale or missing token re-shows the page, with what was typed, and a message."""

from __future__ import annotations

import re

import pytest

from tests.answers import draft_of


def _csrf(page_text: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_text)
    assert match, "every form carries a CSRF token"
    return match.group(1)


@pytest.fixture
def csrf_client(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app.test_client()


def _begin(client, invitation) -> str:
    client.get(f"/s/{invitation.token}")
    token = _csrf(client.get("/s/").text)
    assert client.post("/s/", data={"csrf_token": token}).status_code == 302
    return token


def test_start_without_a_token_says_what_to_do(csrf_client, make_invitation):
    csrf_client.get(f"/s/{make_invitation().token}")
    response = csrf_client.post("/s/")
    assert response.status_code == 200
    assert "Tryck på knappen en gång till" in response.text


@pytest.mark.parametrize("token", [None, "", "forged-token", "IjEyMyI.aaaa.bbbb"])
def test_a_page_with_a_missing_or_stale_token_is_shown_again_with_the_answers(
    csrf_client, db, make_invitation, token
):
    invitation = make_invitation()
    _begin(csrf_client, invitation)
    data = {"G0": "2"}
    if token is not None:
        data["csrf_token"] = token
    response = csrf_client.post("/s/q/1", data=data)
    assert response.status_code == 200
    assert "Sidan hade varit öppen länge" in response.text
    assert re.search(r'value="2"\s+checked', response.text)  # nothing typed is lost
    assert draft_of(invitation.id) == ({}, 1)  # and nothing unsafe is saved
    retry = csrf_client.post("/s/q/1", data={"G0": "2", "csrf_token": _csrf(response.text)})
    assert retry.headers["Location"] == "/s/q/2"


def test_a_token_from_another_browser_session_is_refused(csrf_client, db, make_invitation):
    invitation = make_invitation()
    old_token = _begin(csrf_client, invitation)
    other = csrf_client.application.test_client()
    other.get(f"/s/{invitation.token}")
    response = other.post("/s/q/1", data={"G0": "3", "csrf_token": old_token})
    assert response.status_code == 200
    assert "Sidan hade varit öppen länge" in response.text
    assert draft_of(invitation.id) == ({}, 1)


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_the_first_question_without_a_valid_token_starts_nothing_and_keeps_the_answer(
    csrf_client, db, make_invitation, token
):
    invitation = make_invitation()
    opened = csrf_client.get(f"/s/{invitation.token}")
    data = {"G0": "2", "js": "1"}
    if token is not None:
        data["csrf_token"] = token
    response = csrf_client.post("/s/q/1", data=data)
    assert response.status_code == 200
    assert "Sidan hade varit öppen länge" in response.text
    assert re.search(r'value="2"\s+checked', response.text)
    assert draft_of(invitation.id) is None
    retry = csrf_client.post("/s/q/1", data={"G0": "2", "csrf_token": _csrf(opened.text)})
    assert retry.headers["Location"] == "/s/q/2"
    assert draft_of(invitation.id) == ({"G0": "2"}, 2)


def test_the_opened_beacon_counts_only_with_the_pages_token(csrf_client, make_invitation):
    from tests.answers import funnel_counts

    invitation = make_invitation()
    page = csrf_client.get(f"/s/{invitation.token}")
    assert csrf_client.post("/s/sedd", data={"csrf_token": "forged"}).status_code == 204
    assert funnel_counts(invitation.meeting.campaign_id) == {}
    assert csrf_client.post("/s/sedd", data={"csrf_token": _csrf(page.text)}).status_code == 204
    assert funnel_counts(invitation.meeting.campaign_id) == {("guardian", "opened"): 1}


def test_with_csrf_on_a_whole_guardian_answers_with_the_script_in_five_requests(
    csrf_client, make_invitation
):
    """Each POST answered with the next page carries that page's own valid token (the page
    may come from the page store, which holds a placeholder in its place)."""
    from tests.answers import submitted

    from .conftest import GUARDIAN_PAGES

    invitation = make_invitation()
    page = csrf_client.get(f"/s/{invitation.token}")
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        data = {**answers, "js": "1", "csrf_token": _csrf(page.text)}
        page = csrf_client.post(f"/s/q/{number}", data=data)
        assert page.status_code == 200, page.text
        assert "Sidan hade varit öppen länge" not in page.text
    assert "Tack för dina svar" in page.text
    assert len(submitted()) == 1
