"""The family's path from link to anonymous response: one test per promise."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from survey_app.domain.answering import SubmitOutcome, has_answered, save_page, start, submit
from survey_app.models import CampaignState, Draft, Role, utcnow
from survey_app.questionnaires import get_questionnaire
from tests.answers import draft_of, funnel_counts, submitted

from .conftest import GUARDIAN_PAGES


def _responses(db):
    return submitted()


def _draft_answers(invitation):
    opened = draft_of(invitation.id)
    assert opened is not None
    return opened[0]


def test_the_link_opens_its_start_page_without_the_token_in_it(client, make_invitation):
    invitation = make_invitation()
    response = client.get(f"/s/{invitation.token}")
    assert response.status_code == 200
    assert invitation.token not in response.text
    assert 'data-url="/s/"' in response.text  # the script puts /s/ in the address bar
    assert "HLT-teamet i Åsele" in response.text
    assert "anonym" in response.text
    assert client.get("/s/").text == response.text  # the same page at its own address


def test_a_get_never_uses_a_link_up_and_writes_nothing(client, db, make_invitation):
    invitation = make_invitation()
    for _ in range(3):  # SMS apps and link scanners open links on their own
        assert client.get(f"/s/{invitation.token}").status_code == 200
        assert client.get("/s/").status_code == 200
        assert client.get("/s/q/1").status_code == 302  # not started: back to the start page
    # A scanner runs no script: only the page's beacon (or starting) counts as opened.
    assert funnel_counts(invitation.meeting.campaign_id) == {}
    assert not has_answered(invitation.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "AAAAAAAAAAAAAAAAAAAAAA",  # right shape, unknown
        "x" * 200,
        "%3Cscript%3E",
        "..%2F..%2Fetc",
    ],
)
def test_unknown_or_malformed_tokens_get_one_generic_page(client, make_invitation, token):
    make_invitation()
    response = client.get(f"/s/{token}")
    assert response.status_code == 404
    assert "Länken fungerar inte" in response.text


def test_truncated_and_tampered_tokens_are_not_valid(client, make_invitation):
    invitation = make_invitation()
    truncated = invitation.token[:-1]
    tampered = invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B")
    pages = {client.get(f"/s/{token}").text for token in (truncated, tampered)}
    assert client.get(f"/s/{truncated}").status_code == 404
    assert client.get(f"/s/{tampered}").status_code == 404
    assert len(pages) == 1  # the same page for every kind of failure


def test_a_guardian_answers_and_one_anonymous_response_is_stored(
    client, db, make_invitation, begin
):
    invitation = make_invitation(language="sv")
    begin(client, invitation)
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        response = client.post(f"/s/q/{number}", data=answers)
        assert response.status_code == 302, response.text
    assert response.headers["Location"] == "/s/tack"
    assert "Tack för dina svar" in client.get("/s/tack").text

    (stored,) = _responses(db)
    assert stored.questionnaire_key == "sip-guardian"
    assert stored.role == "guardian"
    assert stored.age_band == "6-11"
    values = stored.answers
    assert values["G1"] == (4, None)
    assert values["G3"] == (None, None)  # "Vet inte" is no answer, never a number
    assert values["G12"] == (None, "Mer tid till barnet.")
    assert len(values) == 13
    assert has_answered(invitation.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0


def test_response_keys_are_random_not_a_sequence(client, db, make_invitation, begin):
    for _ in range(3):
        invitation = make_invitation()
        begin(client, invitation)
        for number, answers in enumerate(GUARDIAN_PAGES, start=1):
            client.post(f"/s/q/{number}", data=answers)
    ids = list(db.session.scalars(sa.text("SELECT id FROM sealed_responses")))
    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)
    assert len({value[:8] for value in ids}) == 3


def test_the_filter_question_skips_the_meeting_items(client, db, make_invitation, begin):
    begin(client, make_invitation())
    response = client.post("/s/q/1", data={"G0": "1"})
    assert response.headers["Location"] == "/s/q/3"
    assert client.get("/s/q/2").headers["Location"] == "/s/q/3"
    client.post("/s/q/3", data={"G6": "2", "G7": "2", "G8": "1", "G9": "na"})
    page = client.get("/s/q/4")
    assert 'name="G12"' in page.text
    assert 'name="G11"' not in page.text
    client.post("/s/q/4", data={"G12": ""})
    (stored,) = _responses(db)
    assert set(stored.answers) == {"G0", "G6", "G7", "G8", "G9", "G12"}


def test_a_missing_required_answer_gets_a_swedish_message_and_keeps_the_rest(
    client, db, make_invitation, begin
):
    invitation = make_invitation()
    begin(client, invitation)
    client.post("/s/q/1", data={"G0": "3"})
    response = client.post("/s/q/2", data={"G1": "4", "G2": "3", "G4": "2", "G5": "1"})
    assert response.status_code == 200
    assert "Välj ett av svaren." in response.text
    assert 'role="alert"' in response.text
    assert re.search(r'value="4"\s+checked', response.text)  # G1 as given
    assert 'aria-invalid="true"' in response.text
    assert "G1" not in _draft_answers(invitation)  # nothing half-saved from an invalid page


@pytest.mark.parametrize("value", ["5", "0", "-1", "ja", "4; DROP TABLE answers", "3.0", " "])
def test_a_value_outside_the_scale_is_refused_with_a_message(
    client, db, make_invitation, begin, value
):
    invitation = make_invitation()
    begin(client, invitation)
    response = client.post("/s/q/1", data={"G0": value})
    assert response.status_code == 200
    assert "Svaret finns inte bland alternativen" in response.text or "Välj ett av svaren" in (
        response.text
    )
    assert _draft_answers(invitation) == {}


def test_free_text_over_the_limit_is_refused_and_kept(client, db, make_invitation, begin):
    begin(client, make_invitation())
    for number, answers in enumerate(GUARDIAN_PAGES[:3], start=1):
        client.post(f"/s/q/{number}", data=answers)
    long_text = "å" * 1001
    response = client.post("/s/q/4", data={"G10": "3", "G11": "4", "G12": long_text})
    assert response.status_code == 200
    assert "högst 1000 tecken" in response.text
    assert long_text in response.text  # what was typed is shown again, not lost
    assert _responses(db) == []


def test_a_repeated_submit_stores_one_response(client, db, make_invitation, begin):
    begin(client, make_invitation())
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        client.post(f"/s/q/{number}", data=answers)
    again = client.post("/s/q/4", data=GUARDIAN_PAGES[3])
    assert again.headers["Location"] == "/s/tack"
    assert "Tack för dina svar" in client.get("/s/tack").text
    assert len(_responses(db)) == 1


def test_starting_twice_keeps_the_first_draft(client, db, make_invitation, begin):
    invitation = make_invitation()
    begin(client, invitation)
    client.post("/s/q/1", data={"G0": "3"})
    # A second Start (double tap, another tab) changes nothing.
    start(invitation.id, Role.GUARDIAN, invitation.meeting.campaign_id)
    assert client.post("/s/").headers["Location"] == "/s/q/2"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 1
    assert draft_of(invitation.id) == ({"G0": "3"}, 2)
    assert funnel_counts(invitation.meeting.campaign_id)[("guardian", "started")] == 1


def test_a_page_posted_after_a_parallel_submit_shows_thanks_and_stores_nothing_more(
    app, client, db, make_invitation, begin
):
    invitation = make_invitation()
    begin(client, invitation)
    other_tab = app.test_client()
    other_tab.get(f"/s/{invitation.token}")
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        other_tab.post(f"/s/q/{number}", data=answers)
    assert save_page(invitation.id, {"G0": "1"}, 2) is False  # the draft went with the submit
    late = client.post("/s/q/1", data={"G0": "1"})
    assert late.headers["Location"] == "/s/tack"
    assert len(_responses(db)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0


def test_reopening_an_answered_link_says_thank_you(app, client, make_invitation, begin):
    invitation = make_invitation()
    begin(client, invitation)
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        client.post(f"/s/q/{number}", data=answers)
    other_phone = app.test_client()
    other_phone.get(f"/s/{invitation.token}")
    page = other_phone.get("/s/")
    assert page.status_code == 200
    assert "Du har redan svarat" in page.text


def test_a_post_for_a_page_that_is_not_the_current_one_goes_to_the_current(
    client, db, make_invitation, begin
):
    invitation = make_invitation()
    begin(client, invitation)
    response = client.post("/s/q/3", data={"G6": "4"}, follow_redirects=True)
    assert "Den sidan kan du inte svara på just nu" in response.text
    assert 'name="G0"' in response.text
    assert _draft_answers(invitation) == {}
    assert client.post("/s/q/99", data={}).headers["Location"] == "/s/q/1"


def test_back_keeps_the_answers_of_the_page(client, db, make_invitation, begin):
    invitation = make_invitation()
    begin(client, invitation)
    client.post("/s/q/1", data={"G0": "3"})
    response = client.post("/s/q/2", data={"G1": "4", "action": "back"})
    assert response.headers["Location"] == "/s/q/1"
    assert _draft_answers(invitation)["G1"] == "4"
    assert re.search(r'value="4"\s+checked', client.get("/s/q/2").text)


def test_each_page_is_saved_so_a_dropped_connection_loses_nothing_before_it(
    app, client, db, make_invitation, begin
):
    invitation = make_invitation()
    begin(client, invitation)
    client.post("/s/q/1", data={"G0": "3"})
    client.post("/s/q/2", data=GUARDIAN_PAGES[1])
    fresh_browser = app.test_client()  # the phone lost its session; the SMS link still works
    fresh_browser.get(f"/s/{invitation.token}")
    assert "Fortsätt" in fresh_browser.get("/s/").text
    resumed = fresh_browser.post("/s/")
    assert resumed.headers["Location"] == "/s/q/3"
    assert re.search(r'value="2"\s+checked', fresh_browser.get("/s/q/2").text)  # G4 kept


@pytest.mark.parametrize(
    ("opens", "closes", "state", "title"),
    [
        (timedelta(days=2), timedelta(days=30), "draft", "Enkäten har inte öppnat än"),
        (timedelta(days=-30), timedelta(days=-1), "open", "Enkäten är stängd"),
        (timedelta(days=-30), timedelta(days=10), "closed", "Enkäten är stängd"),
    ],
)
def test_links_outside_the_window_get_a_friendly_page(
    client, make_campaign, make_meeting, make_invitation, opens, closes, state, title
):
    now = utcnow()
    campaign = make_campaign(opens_at=now + opens, closes_at=now + closes, state=state)
    invitation = make_invitation(meeting=make_meeting(campaign=campaign))
    client.get(f"/s/{invitation.token}")
    for path in ("/s/", "/s/q/1"):
        page = client.get(path)
        assert page.status_code == 200
        assert title in page.text
    assert client.post("/s/").status_code == 200  # cannot start either


def test_answers_are_refused_once_the_window_has_passed(client, db, make_invitation, begin):
    invitation = make_invitation()
    begin(client, invitation)
    client.post("/s/q/1", data={"G0": "3"})
    invitation.meeting.campaign.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post("/s/q/2", data=GUARDIAN_PAGES[1])
    assert "Enkäten är stängd" in response.text
    assert _responses(db) == []


def test_without_a_session_the_page_says_to_open_the_link_again(client):
    for path in ("/s/", "/s/q/1"):
        response = client.get(path)
        assert response.status_code == 400
        assert "Öppna länken i sms:et igen" in response.text


def test_personal_pages_are_not_cached_and_send_no_referrer(client, make_invitation):
    invitation = make_invitation()
    link = client.get(f"/s/{invitation.token}")
    for response in (link, client.get("/s/")):
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response.headers["Cache-Control"]


def test_pages_are_compressed(client, make_invitation):
    client.get(f"/s/{make_invitation().token}")
    response = client.get("/s/", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_the_invitation_language_is_sealed_with_the_response_for_its_release(
    client, db, make_invitation, begin
):
    invitation = make_invitation(language="en")
    begin(client, invitation)
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        client.post(f"/s/q/{number}", data=answers)
    (stored,) = _responses(db)
    assert stored.language == "en"
    assert has_answered(invitation.id)
    assert len(stored.answers) == 13


def test_a_submit_after_the_window_closed_stores_nothing(client, db, make_invitation, begin):
    invitation = make_invitation()
    begin(client, invitation)
    for number, answers in enumerate(GUARDIAN_PAGES[:3], start=1):
        client.post(f"/s/q/{number}", data=answers)
    campaign = invitation.meeting.campaign
    campaign.state = CampaignState.CLOSED
    campaign.closed_at = utcnow()
    db.session.commit()
    outcome = submit(invitation.id, get_questionnaire("sip-guardian"), {"G0": "1", "G6": "4"})
    assert outcome is SubmitOutcome.WINDOW_CLOSED
    assert _responses(db) == []
    assert not has_answered(invitation.id)


def test_submit_says_when_the_invitation_was_already_completed(client, db, make_invitation, begin):
    invitation = make_invitation()
    begin(client, invitation)
    questionnaire = get_questionnaire("sip-guardian")
    assert submit(invitation.id, questionnaire, {"G0": "1"}) is SubmitOutcome.STORED
    assert submit(invitation.id, questionnaire, {"G0": "1"}) is SubmitOutcome.ALREADY_COMPLETED
    assert len(_responses(db)) == 1
