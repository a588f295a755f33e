"""Opting out: the start page's button, and STOPP answered to the sender number."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from survey_app.domain.answering import SubmitOutcome, submit
from survey_app.extensions import db
from survey_app.models import CampaignState, Invitation, MessageKind, MessageState
from survey_app.questionnaires import all_questionnaires
from tests.answers import funnel_counts

from .conftest import elks_settings, messages_of, twilio_settings
from .providers import Fake46elks, FakeTwilio
from .test_twilio import signed


def _open(client: FlaskClient, invitation: Invitation) -> None:
    response = client.get(f"/s/{invitation.token}")
    assert response.status_code == 200


def test_start_page_offers_the_opt_out_button(
    client: FlaskClient, queued: Callable[..., Invitation]
) -> None:
    invitation = queued()
    _open(client, invitation)
    page = client.get("/s/").get_data(as_text=True)
    assert 'action="/s/inga-fler-sms"' in page
    assert "Jag vill inte få fler sms" in page


def test_opting_out_records_the_time_and_cancels_reminders_only(
    client: FlaskClient, queued: Callable[..., Invitation]
) -> None:
    invitation = queued()
    _open(client, invitation)
    response = client.post("/s/inga-fler-sms")
    assert response.status_code == 200
    assert "Du får inga fler sms" in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.opted_out_at is not None
    assert funnel_counts(invitation.meeting.campaign_id) == {("guardian", "opened"): 1}
    assert messages_of(invitation, MessageKind.REMINDER) == []  # deleted, as handled ones are
    (invite,) = messages_of(invitation)
    assert invite.state == MessageState.CANCELLED
    # the link still works: opting out of SMS is not refusing to answer
    assert client.get("/s/").status_code == 200


def test_the_confirmation_is_in_the_familys_language(
    client: FlaskClient, queued: Callable[..., Invitation]
) -> None:
    invitation = queued(language="en")
    _open(client, invitation)
    page = client.post("/s/inga-fler-sms").get_data(as_text=True)
    assert '<html lang="en"' in page


def test_opting_out_without_a_session_explains_how_to_get_back(client: FlaskClient) -> None:
    response = client.post("/s/inga-fler-sms", follow_redirects=True)
    assert response.status_code == 400
    assert "Öppna länken i sms:et igen" in response.get_data(as_text=True)


def test_opting_out_with_a_stale_form_asks_to_press_again(
    app_with: Callable[..., Flask], queued: Callable[..., Invitation]
) -> None:
    application = app_with(WTF_CSRF_ENABLED=True)
    invitation = queued()
    client = application.test_client()
    _open(client, invitation)
    response = client.post("/s/inga-fler-sms", follow_redirects=True)
    assert response.status_code == 200
    assert "Tryck på knappen en gång till" in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.opted_out_at is None


def _inbound_elks(client: FlaskClient, sender: str, text: str, secret: str) -> int:
    form = {"id": "s1", "from": sender, "to": "+46766861004", "message": text}
    return client.post(f"/hooks/46elks/inbound/{secret}", data=form).status_code


def test_stopp_by_sms_opts_out_every_open_invitation_with_that_number(
    app_with: Callable[..., Flask],
    elks: Fake46elks,
    queued: Callable[..., Invitation],
    make_campaign: Callable,
) -> None:
    application = app_with(**elks_settings(elks, SMS_SENDER="+46766861004"))
    first = queued(phone="+46701740605")
    second = queued(phone="+46701740605")
    other = queued(phone="+46701740606")
    answered = queued(phone="+46701740605")
    assert submit(answered.id, all_questionnaires()["sip-guardian"], {}) is SubmitOutcome.STORED
    closed = queued(
        phone="+46701740605", campaign=make_campaign(state=CampaignState.CLOSED, name="Stängd")
    )
    db.session.commit()
    client = application.test_client()
    assert _inbound_elks(client, "+46701740605", " Stopp ", "inbound-secret-for-tests") == 200
    for invitation in (first, second, other, answered, closed):
        db.session.refresh(invitation)
    assert first.opted_out_at is not None
    assert second.opted_out_at is not None
    assert other.opted_out_at is None
    # Whether a person has answered does not matter (the service does not look): STOPP means
    # no more SMS to that number for every open invitation.
    assert answered.opted_out_at is not None
    assert closed.opted_out_at is None
    assert {m.state for m in messages_of(first)} == {MessageState.CANCELLED}
    assert messages_of(other)[0].state == MessageState.QUEUED


def test_other_replies_change_nothing(
    app_with: Callable[..., Flask], elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    application = app_with(**elks_settings(elks))
    invitation = queued()
    client = application.test_client()
    assert _inbound_elks(client, "+46701740605", "Tack!", "inbound-secret-for-tests") == 200
    db.session.refresh(invitation)
    assert invitation.opted_out_at is None


def test_inbound_without_the_secret_is_refused(
    app_with: Callable[..., Flask], elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    application = app_with(**elks_settings(elks))
    invitation = queued()
    client = application.test_client()
    assert _inbound_elks(client, "+46701740605", "STOPP", "guess") == 403
    db.session.refresh(invitation)
    assert invitation.opted_out_at is None


def test_twilio_inbound_stop_is_signed(
    app_with: Callable[..., Flask], twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    application = app_with(**twilio_settings(twilio))
    invitation = queued()
    client = application.test_client()
    url = "https://enkat.example.se/hooks/twilio/inbound"
    form = {"From": "+46701740605", "To": "+46766861004", "Body": "STOP", "MessageSid": "SM1"}
    forged = client.post("/hooks/twilio/inbound", data=form)
    assert forged.status_code == 403
    response = client.post("/hooks/twilio/inbound", data=form, headers=signed(url, form))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    db.session.refresh(invitation)
    assert invitation.opted_out_at is not None
