"""Correct, resend, withdraw: a link sent to the wrong phone can be put right at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from survey_app.domain.answering import SubmitOutcome, submit
from survey_app.domain.invitations import (
    MAX_RESENDS,
    RESEND_PAUSE,
    Correction,
    InvitationActionRefused,
    correct_invitation,
    resend_invitation,
    withdraw_invitation,
)
from survey_app.domain.links import invitation_for_token
from survey_app.extensions import db
from survey_app.messaging.gateways import ConsoleGateway
from survey_app.messaging.outbox import queue_messages, send_due
from survey_app.models import (
    AuditEvent,
    CampaignState,
    Invitation,
    MessageKind,
    MessageState,
    OutboxMessage,
    utcnow,
)
from survey_app.questionnaires import get_questionnaire
from tests.clock import daytime

WRONG, RIGHT = "+46701740605", "+46701740688"


@pytest.fixture
def sent(make_invitation: Callable[..., Invitation]) -> Callable[..., Invitation]:
    """An invitation whose SMS and reminder are queued (its fixture link stands for a sent SMS)."""

    def make(**fields: object) -> Invitation:
        invitation = make_invitation(**fields)
        queue_messages(invitation, campaign=invitation.meeting.campaign)
        db.session.commit()
        return invitation

    return make


def _messages(invitation: Invitation) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.invitation_id == invitation.id)
            .order_by(OutboxMessage.kind, OutboxMessage.sequence)
        )
    )


def _audit(action: str) -> AuditEvent:
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == action))
    assert event is not None, action
    return event


def test_correcting_a_number_invalidates_the_old_link_and_sends_a_new_one(
    app: Flask, sent: Callable[..., Invitation], capsys: pytest.CaptureFixture[str]
) -> None:
    old = sent(phone=WRONG)
    old_link = old.token
    stranger = app.test_client()
    assert stranger.get(f"/s/{old_link}").status_code == 200  # the stranger opened it

    new = correct_invitation(old, Correction(phone="070-174 06 88"), actor=None)

    assert invitation_for_token(old_link) is None
    page = stranger.get("/s/")  # the page the stranger had open
    assert page.status_code == 404
    assert "Länken fungerar inte" in page.get_data(as_text=True)
    assert stranger.get(f"/s/{old_link}").status_code == 404
    assert {m.state for m in _messages(old)} == {MessageState.CANCELLED}
    assert (new.phone, new.replaces_id, new.role) == (RIGHT, old.id, old.role)
    assert old.withdrawn_at is not None
    summary = send_due(ConsoleGateway(), now=daytime())
    printed = capsys.readouterr().out
    assert summary.sent == 1
    (new_link,) = re.findall(r"/s/([\w-]{22})", printed)
    assert invitation_for_token(new_link) == new.id
    event = _audit("invitation_corrected")
    assert event.details["phone_changed"] is True
    assert WRONG not in str(event.details)
    assert RIGHT not in str(event.details)


def test_correcting_the_language_sends_the_link_in_the_new_language(
    sent: Callable[..., Invitation], capsys: pytest.CaptureFixture[str]
) -> None:
    old = sent(language="sv")
    new = correct_invitation(old, Correction(language="ar"), actor=None)
    assert (new.language, new.phone) == ("ar", old.phone)
    send_due(ConsoleGateway(), now=daytime())
    assert "SIP" in capsys.readouterr().out
    assert _audit("invitation_corrected").details["language"] == "ar"


def test_a_child_on_the_corrected_guardians_phone_moves_with_the_guardian(
    sent: Callable[..., Invitation],
) -> None:
    guardian = sent(phone=WRONG)
    child = sent(role="child", meeting=guardian.meeting, phone=WRONG)
    child.handover_from_id = guardian.id
    db.session.commit()
    new_guardian = correct_invitation(guardian, Correction(phone=RIGHT), actor=None)
    db.session.expire_all()
    assert child.withdrawn_at is not None
    (moved,) = db.session.scalars(sa.select(Invitation).where(Invitation.replaces_id == child.id))
    assert (moved.phone, moved.handover_from_id, moved.role.value) == (
        RIGHT,
        new_guardian.id,
        "child",
    )
    with pytest.raises(InvitationActionRefused, match="vårdnadshavarens nummer"):
        correct_invitation(moved, Correction(phone="070-174 06 99"), actor=None)


@pytest.mark.parametrize(
    ("correction", "message"),
    [
        (Correction(phone="12"), "mobilnummer"),
        (Correction(phone="08-123 456 78"), "mobilnummer"),
        (Correction(language="xx"), "Välj ett språk i listan"),
        (Correction(phone=WRONG), "inget att rätta"),
        (Correction(), "inget att rätta"),
    ],
)
def test_a_wrong_correction_says_why_and_changes_nothing(
    sent: Callable[..., Invitation], correction: Correction, message: str
) -> None:
    invitation = sent(phone=WRONG)
    before = _messages(invitation)
    with pytest.raises(InvitationActionRefused) as refused:
        correct_invitation(invitation, correction, actor=None)
    assert message.lower() in str(refused.value).lower()
    db.session.rollback()
    assert invitation_for_token(invitation.token) == invitation.id
    assert [m.state for m in _messages(invitation)] == [m.state for m in before]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1


def test_nothing_can_be_changed_after_the_window_or_twice(
    sent: Callable[..., Invitation], make_campaign: Callable[..., object]
) -> None:
    closed = sent(campaign=make_campaign(state=CampaignState.CLOSED))
    for action in (
        lambda: correct_invitation(closed, Correction(phone=RIGHT), actor=None),
        lambda: resend_invitation(closed, actor=None),
        lambda: withdraw_invitation(closed, actor=None),
    ):
        with pytest.raises(InvitationActionRefused, match="Insamlingsperioden är slut"):
            action()
    withdrawn = sent()
    withdraw_invitation(withdrawn, actor=None)
    with pytest.raises(InvitationActionRefused, match="redan återkallad"):
        withdraw_invitation(withdrawn, actor=None)


def test_withdrawing_revokes_the_links_and_stops_everything_queued(
    app: Flask, sent: Callable[..., Invitation]
) -> None:
    invitation = sent()
    withdraw_invitation(invitation, actor=None)
    assert invitation_for_token(invitation.token) is None
    messages = _messages(invitation)
    assert [(m.kind, m.state) for m in messages] == [(MessageKind.INVITE, MessageState.CANCELLED)]
    assert send_due(ConsoleGateway(), now=utcnow() + timedelta(days=9)).sent == 0
    assert _audit("invitation_withdrawn").object_id == str(invitation.id)


def test_resending_sends_a_new_link_and_the_old_one_keeps_working(
    sent: Callable[..., Invitation], capsys: pytest.CaptureFixture[str]
) -> None:
    invitation = sent()
    now = daytime()
    send_due(ConsoleGateway(), now=now)
    capsys.readouterr()
    resend_invitation(invitation, actor=None, now=now)
    assert send_due(ConsoleGateway(), now=now).sent == 1
    (link,) = re.findall(r"/s/([\w-]{22})", capsys.readouterr().out)
    assert invitation_for_token(link) == invitation.id
    assert invitation_for_token(invitation.token) == invitation.id
    resend = [m for m in _messages(invitation) if m.kind == MessageKind.RESEND]
    assert [(m.sequence, m.state) for m in resend] == [(1, MessageState.DELIVERED)]
    assert _audit("invitation_resent").object_id == str(invitation.id)


def test_resending_is_rate_limited(sent: Callable[..., Invitation]) -> None:
    invitation = sent()
    now = utcnow()
    resend_invitation(invitation, actor=None, now=now)
    with pytest.raises(InvitationActionRefused, match="Vänta 10 minuter"):
        resend_invitation(invitation, actor=None, now=now + RESEND_PAUSE / 2)
    for n in range(1, MAX_RESENDS):
        resend_invitation(invitation, actor=None, now=now + RESEND_PAUSE * n)
    with pytest.raises(InvitationActionRefused, match="redan skickats igen 3 gånger"):
        resend_invitation(invitation, actor=None, now=now + RESEND_PAUSE * 9)


def test_a_resend_goes_whether_or_not_the_family_answered(
    sent: Callable[..., Invitation],
) -> None:
    """Skipping it would tell the coordinator who answered."""
    answered, waiting = sent(), sent()
    assert submit(answered.id, get_questionnaire("sip-guardian"), {}) is SubmitOutcome.STORED
    now = daytime()
    for invitation in (answered, waiting):
        resend_invitation(invitation, actor=None, now=now)
    send_due(ConsoleGateway(), now=now)
    states = [
        [(m.kind, m.state) for m in _messages(invitation)] for invitation in (answered, waiting)
    ]
    assert states[0] == states[1]


def test_the_meeting_page_offers_the_actions_and_the_forms_answer_in_words(
    sent: Callable[..., Invitation], staff_client: Callable[..., FlaskClient]
) -> None:
    invitation = sent(phone=WRONG, team="HLT Åsele")
    coordinator = staff_client("coordinator", teams=("HLT Åsele",))
    page = coordinator.get(f"/staff/meetings/{invitation.meeting_id}").get_data(as_text=True)
    assert f"/staff/invitations/{invitation.id}/correct" in page
    assert WRONG not in page
    form = coordinator.get(f"/staff/invitations/{invitation.id}/correct")
    assert form.status_code == 200
    assert WRONG not in form.get_data(as_text=True)  # the number is never read back
    wrong = coordinator.post(
        f"/staff/invitations/{invitation.id}/correct", data={"phone": "12", "language": "sv"}
    )
    assert wrong.status_code == 200
    assert "mobilnummer" in wrong.get_data(as_text=True)
    done = coordinator.post(
        f"/staff/invitations/{invitation.id}/correct",
        data={"phone": "070-174 06 88", "language": "sv"},
        follow_redirects=True,
    )
    assert "Inbjudan är rättad" in done.get_data(as_text=True)
    assert invitation_for_token(invitation.token) is None


@pytest.mark.parametrize("action", ["correct", "resend", "withdraw"])
def test_only_the_teams_coordinator_or_an_admin_may_act(
    sent: Callable[..., Invitation], staff_client: Callable[..., FlaskClient], action: str
) -> None:
    invitation = sent(team="HLT Åsele")
    path = f"/staff/invitations/{invitation.id}/{action}"
    assert staff_client("coordinator", teams=("HLT Umeå",)).get(path).status_code == 404
    assert staff_client("analyst").get(path).status_code == 403
    assert staff_client("admin").get(path).status_code == 200
    assert staff_client("coordinator", teams=("HLT Åsele",)).get(path).status_code == 200
    assert staff_client("admin").get("/staff/invitations/9999/" + action).status_code == 404


def test_withdrawing_from_the_page_confirms_first(
    sent: Callable[..., Invitation], staff_client: Callable[..., FlaskClient]
) -> None:
    invitation = sent()
    admin = staff_client("admin")
    confirm = admin.get(f"/staff/invitations/{invitation.id}/withdraw").get_data(as_text=True)
    assert "Det går inte att ångra" in confirm
    assert invitation_for_token(invitation.token) == invitation.id
    done = admin.post(f"/staff/invitations/{invitation.id}/withdraw", follow_redirects=True)
    assert "Inbjudan är återkallad" in done.get_data(as_text=True)
    assert "återkallad" in done.get_data(as_text=True)
    assert invitation_for_token(invitation.token) is None
