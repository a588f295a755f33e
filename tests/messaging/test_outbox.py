"""The outbox with the console gateway: what is sent, when, and what is kept afterwards."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from survey_app.domain.answering import SubmitOutcome, submit
from survey_app.domain.links import invitation_for_token
from survey_app.extensions import db
from survey_app.messaging.gateways import ConsoleGateway
from survey_app.messaging.optout import opt_out
from survey_app.messaging.outbox import Throttle, fail_stale_claims, preview, send_due
from survey_app.messaging.schedule import end_of_quiet_hours, in_quiet_hours
from survey_app.models import (
    CampaignState,
    Invitation,
    Link,
    MessageKind,
    MessageState,
    OutboxMessage,
)
from survey_app.questionnaires import all_questionnaires

from .conftest import messages_of

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(days: int, hour: int, minute: int = 0) -> datetime:
    """A Stockholm wall-clock time `days` from today, as UTC (messages are due from now)."""
    day = datetime.now(STOCKHOLM).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM).astimezone(UTC)


#: Noon tomorrow in Stockholm: every message queued now is due, and it is not quiet time.
NOON = local(1, 12)


@pytest.fixture
def gateway() -> ConsoleGateway:
    return ConsoleGateway()


def _outbox_cells() -> str:
    """Every cell of the outbox table as text: what a copy of the database would show."""
    rows = db.session.execute(sa.select(OutboxMessage.__table__)).all()
    return repr([tuple(row) for row in rows])


def test_registering_queues_the_invitation_now_and_a_reminder_after_the_delay(
    queued: Callable[..., Invitation],
) -> None:
    invitation = queued()
    invite, reminder = messages_of(invitation)
    assert (invite.kind, invite.sequence) == (MessageKind.INVITE, 0)
    assert (reminder.kind, reminder.sequence) == (MessageKind.REMINDER, 1)
    assert reminder.next_attempt_at - invite.next_attempt_at == timedelta(days=4)
    assert invite.state == reminder.state == MessageState.QUEUED
    assert invite.segments == 1


def test_a_queued_message_holds_no_link(queued: Callable[..., Invitation]) -> None:
    invitation = queued()
    token = invitation.token
    cells = _outbox_cells()
    assert token not in cells
    assert "/s/" not in cells
    assert not hasattr(OutboxMessage, "body")


def test_send_due_sends_once_with_a_link_made_for_that_sms(
    queued: Callable[..., Invitation], gateway: ConsoleGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    invitation = queued()
    links_before = db.session.execute(sa.select(sa.func.count()).select_from(Link)).scalar_one()
    summary = send_due(gateway, now=NOON + timedelta(days=1))
    assert (summary.sent, summary.failed, summary.postponed) == (1, 0, 0)
    printed = capsys.readouterr().out
    assert "+46701740605" not in printed
    (sent_token,) = re.findall(r"/s/([A-Za-z0-9_-]{22})", printed)
    assert invitation_for_token(sent_token) == invitation.id
    assert sent_token != invitation.token
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Link)) == links_before + 1
    assert sent_token not in _outbox_cells()
    invite, reminder = messages_of(invitation)
    assert invite.state == MessageState.DELIVERED
    assert invite.attempts == 1
    assert invite.sent_at is not None
    db.session.refresh(invitation)
    assert invitation.sent_at == invite.sent_at
    # the reminder now counts from when the invitation actually went
    assert reminder.next_attempt_at == invite.sent_at + timedelta(days=4)
    again = send_due(gateway, now=NOON + timedelta(days=1))
    assert again.sent == 0


def test_the_staff_outbox_shows_the_text_with_a_placeholder_for_the_link(
    app_with: Callable[..., Flask], queued: Callable[..., Invitation], gateway: ConsoleGateway
) -> None:
    app_with(SURVEY_ENV="development")
    invitation = queued()
    send_due(gateway, now=NOON + timedelta(days=1))
    text = preview(messages_of(invitation)[0])
    assert "/s/[personlig länk]" in text
    assert invitation.token not in text


def test_reminder_goes_after_the_delay_is_counted_and_leaves_no_row(
    queued: Callable[..., Invitation], gateway: ConsoleGateway
) -> None:
    invitation = queued()
    first = NOON + timedelta(days=1)
    send_due(gateway, now=first)
    assert send_due(gateway, now=first + timedelta(days=3)).sent == 0
    assert send_due(gateway, now=first + timedelta(days=4)).sent == 1
    db.session.refresh(invitation.meeting.campaign)
    assert invitation.meeting.campaign.reminders_sent == 1
    assert messages_of(invitation, MessageKind.REMINDER) == []


def test_an_answered_invitation_gets_no_reminder_and_nothing_says_why(
    queued: Callable[..., Invitation], gateway: ConsoleGateway
) -> None:
    answered, waiting = queued(), queued()
    send_due(gateway, now=NOON + timedelta(days=1))
    questionnaire = all_questionnaires()[answered.questionnaire_key]
    assert submit(answered.id, questionnaire, {}) is SubmitOutcome.STORED
    before = _outbox_cells()
    summary = send_due(gateway, now=NOON + timedelta(days=6))
    assert (summary.sent, summary.cancelled) == (1, 1)
    # Both reminders are gone: the one sent and the one skipped leave the same trace (none).
    assert messages_of(answered, MessageKind.REMINDER) == []
    assert messages_of(waiting, MessageKind.REMINDER) == []
    assert "answered" not in _outbox_cells()
    assert "answered" not in before


def test_opting_out_drops_the_reminder(
    queued: Callable[..., Invitation], gateway: ConsoleGateway
) -> None:
    invitation = queued()
    send_due(gateway, now=NOON + timedelta(days=1))
    assert opt_out(invitation.id) == 1
    assert messages_of(invitation, MessageKind.REMINDER) == []
    assert send_due(gateway, now=NOON + timedelta(days=6)).sent == 0


def test_nothing_is_sent_after_the_window_closed(
    queued: Callable[..., Invitation], make_campaign: Callable, gateway: ConsoleGateway
) -> None:
    campaign = make_campaign(state=CampaignState.CLOSED)
    invitation = queued(meeting=None, campaign=campaign)
    summary = send_due(gateway, now=NOON)
    assert (summary.sent, summary.cancelled) == (0, 1)
    assert all(m.state != MessageState.SENT for m in messages_of(invitation))


def test_nothing_is_sent_once_the_closing_time_has_passed(
    queued: Callable[..., Invitation], make_campaign: Callable, gateway: ConsoleGateway
) -> None:
    campaign = make_campaign(closes_at=NOON)
    queued(campaign=campaign)
    summary = send_due(gateway, now=NOON + timedelta(minutes=1))
    assert (summary.sent, summary.cancelled) == (0, 1)


@pytest.mark.parametrize(
    ("now", "expected"),
    [(local(1, 22, 30), local(2, 8)), (local(2, 6, 15), local(2, 8)), (local(2, 21), local(3, 8))],
)
def test_quiet_hours_postpone_to_the_morning(
    queued: Callable[..., Invitation], gateway: ConsoleGateway, now: datetime, expected: datetime
) -> None:
    invitation = queued()
    summary = send_due(gateway, now=now)
    assert (summary.sent, summary.postponed) == (0, 1)
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.QUEUED
    assert invite.next_attempt_at == expected
    assert send_due(gateway, now=invite.next_attempt_at).sent == 1


def test_quiet_hours_end_at_local_eight_across_the_change_from_summer_time() -> None:
    # 25 October 2026: clocks go back at 03:00; 08:00 local is 07:00 UTC, the evening
    # before 23:00 local was 21:00 UTC.
    evening = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)
    assert in_quiet_hours(evening, time(21), time(8))
    assert end_of_quiet_hours(evening, time(21), time(8)) == datetime(
        2026, 10, 25, 7, 0, tzinfo=UTC
    )
    assert not in_quiet_hours(datetime(2026, 10, 25, 7, 0, tzinfo=UTC), time(21), time(8))


def test_custom_quiet_hours_of_the_campaign(
    queued: Callable[..., Invitation], make_campaign: Callable, gateway: ConsoleGateway
) -> None:
    campaign = make_campaign(quiet_from=time(11, 0), quiet_until=time(13, 0))
    queued(campaign=campaign)
    assert send_due(gateway, now=NOON).postponed == 1  # 12:00 local is inside 11–13


def test_a_window_not_yet_open_waits_for_its_opening(
    queued: Callable[..., Invitation], make_campaign: Callable, gateway: ConsoleGateway
) -> None:
    opens = NOON + timedelta(days=2)
    campaign = make_campaign(
        state=CampaignState.DRAFT, opens_at=opens, closes_at=opens + timedelta(days=30)
    )
    invitation = queued(campaign=campaign)
    assert send_due(gateway, now=NOON).postponed == 1
    assert messages_of(invitation, MessageKind.INVITE)[0].next_attempt_at == opens


def test_a_message_left_in_sending_is_never_resent(
    app: Flask, queued: Callable[..., Invitation], gateway: ConsoleGateway
) -> None:
    """A worker killed between the request and recording it leaves the row in `sending`."""
    invitation = queued()
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    invite.state = MessageState.SENDING
    invite.attempts = 1
    invite.next_attempt_at = NOON + timedelta(minutes=10)  # the claim's stale time
    db.session.commit()
    early = send_due(gateway, now=NOON)  # another worker may still be on it: leave it alone
    assert early.sent == 0
    assert early.uncertain == 0
    assert messages_of(invitation, MessageKind.INVITE)[0].state == MessageState.SENDING
    late = send_due(gateway, now=NOON + timedelta(minutes=11))
    assert late.uncertain == 1
    assert late.sent == 0
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.FAILED
    assert invite.last_error is not None
    assert invite.last_error.startswith("uncertain:")
    assert fail_stale_claims(NOON + timedelta(days=1)) == 0


def test_limit_sends_at_most_that_many(
    queued: Callable[..., Invitation], gateway: ConsoleGateway
) -> None:
    for number in ("+46701740605", "+46701740606", "+46701740607"):
        queued(phone=number)
    assert send_due(gateway, now=NOON, limit=2).sent == 2
    assert send_due(gateway, now=NOON).sent == 1


def test_throttle_spaces_the_sends() -> None:
    slept: list[float] = []
    moments = iter([0.0, 0.0, 0.05, 1.0])
    throttle = Throttle(5, sleep=slept.append, monotonic=lambda: next(moments))
    for _ in range(4):
        throttle.wait()
    assert slept == [pytest.approx(0.2), pytest.approx(0.35)]


def test_a_message_without_phone_is_cancelled(
    queued: Callable[..., Invitation], gateway: ConsoleGateway
) -> None:
    invitation = queued()
    invitation.phone = None
    db.session.commit()
    assert send_due(gateway, now=NOON).cancelled == 1
    assert db.session.query(OutboxMessage).filter_by(state=MessageState.SENT).count() == 0
