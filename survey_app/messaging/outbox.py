"""The outbox: messages are rows written with their invitation, sent later by a worker.

No usable link at rest. A row says what to send (kind, sequence, the invitation), never the
text: the link's token is made when the message is claimed for sending (its hash stored in
the same commit as the claim, see survey_app.domain.links) and the text is composed then, so
a queued or retried message read from the database or a backup opens nothing.

Reminders say nothing about answering. A reminder that comes due for someone who has answered
is skipped, and every reminder row is deleted once handled (sent, skipped, failed or
cancelled): a row left "cancelled: already answered" (or the absence of a sent reminder) would
tell whoever reads the table who answered. The window counts the reminders sent.

Crash safety. A message is claimed (queued → sending, attempts + 1, committed) BEFORE the
gateway is called, and its outcome is committed after. A process killed between the call and
that commit leaves the row in `sending`; it is NEVER resent automatically, because the
provider may already have delivered it. Each claim sets `next_attempt_at` to the claim time
plus SMS_SENDING_STALE_SECONDS; a row still `sending` after that is marked `failed` with a
last_error beginning "uncertain:" by `fail_stale_claims` (the start of every send_due run).
An admin can compare it with the provider's log (46elks and Twilio list sent messages) and,
if it never left, register the person again. A delivery report that arrives later for such a
row is still applied (the 46elks report is matched by its per-message secret).

Several workers. A claim is a conditional UPDATE … WHERE state = 'queued' whose row count
must be 1, so two workers never both send a row; on PostgreSQL the candidate is also read
with SELECT … FOR UPDATE SKIP LOCKED so workers pass over each other's rows instead of
waiting.
"""

from __future__ import annotations

import logging
import secrets
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from survey_app.domain.answering import has_answered
from survey_app.domain.links import issue_link
from survey_app.domain.tokens import hash_token
from survey_app.extensions import db
from survey_app.messaging.gateways import Gateway, OutgoingSms, PermanentFailure, TemporaryFailure
from survey_app.messaging.schedule import backoff_seconds, end_of_quiet_hours
from survey_app.messaging.settings import SmsSettings, sms_settings
from survey_app.messaging.texts import SAMPLE_TOKEN, SmsText, compose, survey_link
from survey_app.models import (
    Campaign,
    Invitation,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    utcnow,
)

log = logging.getLogger(__name__)

#: What staff see in place of a link (the token exists only in the sent SMS).
LINK_PLACEHOLDER = "/s/[personlig länk]"
UNCERTAIN = "uncertain:"
#: The campaign table allows at most three reminders (ck_campaigns_reminder_count_range).
MAX_REMINDERS = 3


def recipient_language(invitation: Invitation) -> str:
    """The language of the person who reads the SMS: a child's link handed over to a guardian's
    phone is read first by the guardian, in the guardian's language."""
    if invitation.handover_from is not None:
        return invitation.handover_from.language
    return invitation.language


def compose_for(invitation: Invitation, kind: MessageKind, link: str) -> SmsText:
    """The SMS text of one message of an invitation, with the given link."""
    return compose(
        kind,
        language=recipient_language(invitation),
        link=link,
        municipality=invitation.meeting.team.municipality.name,
        handover=invitation.handover_from_id is not None,
    )


def preview(message: OutboxMessage) -> str:
    """The text of a message as staff may see it: the link as a placeholder."""
    base = current_app.config["SURVEY_BASE_URL"].rstrip("/")
    return compose_for(message.invitation, message.kind, f"{base}{LINK_PLACEHOLDER}").body


def queue_message(
    invitation: Invitation, kind: MessageKind, sequence: int, due: datetime
) -> OutboxMessage:
    """Add one message to the session. Segments and encoding are those of the text with a link
    of the real length (every token has 22 characters)."""
    sample = survey_link(current_app.config["SURVEY_BASE_URL"], SAMPLE_TOKEN)
    text = compose_for(invitation, kind, sample)
    message = OutboxMessage(
        invitation=invitation,
        kind=kind,
        sequence=sequence,
        segments=text.count.segments,
        encoding=text.count.encoding,
        state=MessageState.QUEUED,
        next_attempt_at=due,
    )
    db.session.add(message)
    return message


def queue_messages(
    invitation: Invitation, *, campaign: Campaign, now: datetime | None = None
) -> list[OutboxMessage]:
    """Add the invitation SMS (due now) and its reminders to the session, in its transaction.

    Reminder k is due k × reminder_delay_days after now, and is moved to k × delay after the
    moment the invitation SMS actually went (`_record_sent`).
    """
    now = now or utcnow()
    kinds = [MessageKind.INVITE] + [MessageKind.REMINDER] * campaign.reminder_count
    return [
        queue_message(
            invitation,
            kind,
            sequence,
            now + timedelta(days=campaign.reminder_delay_days * sequence),
        )
        for sequence, kind in enumerate(kinds)
    ]


def _forget_reminder(message_id: int) -> None:
    """A handled reminder leaves no row (see the module's docstring)."""
    db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.kind == MessageKind.REMINDER)
        .execution_options(synchronize_session=False)
    )


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    postponed: int = 0
    retry_later: int = 0
    cancelled: int = 0
    #: Rows found in `sending` from a worker that stopped: marked failed, never resent.
    uncertain: int = 0

    def line(self) -> str:
        return (
            f"sent {self.sent}, failed {self.failed}, postponed {self.postponed}, "
            f"retry later {self.retry_later}, cancelled {self.cancelled}, "
            f"uncertain {self.uncertain}"
        )


def fail_stale_claims(now: datetime) -> int:
    """Mark rows left in `sending` past their stale time as failed-uncertain (never resent).

    A stale reminder is deleted instead, as every handled reminder is.
    """
    stale = (OutboxMessage.state == MessageState.SENDING, OutboxMessage.next_attempt_at <= now)
    reminders = db.session.execute(
        delete(OutboxMessage)
        .where(*stale, OutboxMessage.kind == MessageKind.REMINDER)
        .execution_options(synchronize_session=False)
    )
    result = db.session.execute(
        update(OutboxMessage)
        .where(*stale)
        .values(
            state=MessageState.FAILED,
            last_error=f"{UNCERTAIN} the worker stopped after handing the message to the "
            "gateway; check the provider's log before sending again",
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    count = int(result.rowcount) + int(reminders.rowcount)  # type: ignore[attr-defined]
    if count:
        log.warning("sms: %d message(s) left in sending marked failed-uncertain", count)
    return count


def _next_candidate(now: datetime) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .options(
            joinedload(OutboxMessage.invitation)
            .joinedload(Invitation.meeting)
            .joinedload(Meeting.campaign)
        )
        .where(OutboxMessage.state == MessageState.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    return db.session.scalar(query)


def _finish(message: OutboxMessage, reason: str) -> bool:
    """Take a queued row out of the queue without sending; False if someone else took it.

    An invitation SMS is kept as cancelled with the reason; a reminder is deleted.
    """
    queued = (OutboxMessage.id == message.id, OutboxMessage.state == MessageState.QUEUED)
    if message.kind is MessageKind.REMINDER:
        result = db.session.execute(
            delete(OutboxMessage).where(*queued).execution_options(synchronize_session=False)
        )
    else:
        result = db.session.execute(
            update(OutboxMessage)
            .where(*queued)
            .values(state=MessageState.CANCELLED, last_error=reason)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


def _postpone(message_id: int, until: datetime, reason: str) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == MessageState.QUEUED)
        .values(next_attempt_at=until, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _decision(message: OutboxMessage, now: datetime) -> tuple[str, str, datetime | None]:
    """What to do with a due message before any request: send, cancel or postpone."""
    invitation = message.invitation
    campaign = invitation.meeting.campaign
    if campaign.has_ended(now):
        return "cancel", "the collection window has ended", None
    if invitation.phone is None:
        return "cancel", "no phone number", None
    if invitation.opted_out_at is not None:
        return "cancel", "opted out", None
    if invitation.withdrawn_at is not None:
        return "cancel", "withdrawn by staff", None
    if message.kind is MessageKind.REMINDER and has_answered(invitation.id):
        return "cancel", "", None  # deleted like every handled reminder: no reason is kept
    if now < campaign.opens_at:
        return "postpone", "waiting for the window to open", campaign.opens_at
    if message.kind is MessageKind.REMINDER and invitation.sent_at is None:
        return (
            "postpone",
            "waiting for the invitation SMS",
            now + timedelta(days=campaign.reminder_delay_days),
        )
    quiet_end = end_of_quiet_hours(now, campaign.quiet_from, campaign.quiet_until)
    if quiet_end > now:
        return "postpone", "quiet hours", quiet_end
    return "send", "", None


@dataclass(frozen=True)
class Claimed:
    """What recording the outcome needs, read before the claim's commit expires the objects."""

    id: int
    invitation_id: int
    campaign_id: int
    kind: MessageKind
    #: Attempts including this one (the claim increments the column).
    attempts: int
    invitation_sent: bool
    invitation_delivered: bool
    reminder_delay_days: int

    @classmethod
    def of(cls, message: OutboxMessage) -> Claimed:
        invitation = message.invitation
        return cls(
            id=message.id,
            invitation_id=invitation.id,
            campaign_id=invitation.meeting.campaign_id,
            kind=message.kind,
            attempts=message.attempts + 1,
            invitation_sent=invitation.sent_at is not None,
            invitation_delivered=invitation.delivered_at is not None,
            reminder_delay_days=invitation.meeting.campaign.reminder_delay_days,
        )


def _claim(message: OutboxMessage, gateway: Gateway, secret: str, stale_at: datetime) -> str | None:
    """Claim a queued row for sending and make its link, in one commit; the token, or None when
    another worker took the row first."""
    invitation_id = message.invitation_id
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.state == MessageState.QUEUED)
        .values(
            state=MessageState.SENDING,
            attempts=OutboxMessage.attempts + 1,
            gateway=gateway.name,
            callback_secret_hash=hash_token(secret),
            next_attempt_at=stale_at,
        )
        .execution_options(synchronize_session=False)
    )
    if int(result.rowcount) != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return None
    token = issue_link(invitation_id)
    db.session.commit()
    return token


def _record_sent(
    message: Claimed,
    provider_id: str | None,
    delivered: bool,
    note: str | None,
    now: datetime,
) -> None:
    if message.kind is MessageKind.REMINDER:
        _forget_reminder(message.id)
        db.session.execute(
            update(Campaign)
            .where(Campaign.id == message.campaign_id)
            .values(reminders_sent=Campaign.reminders_sent + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return
    values: dict[str, object] = {
        "state": MessageState.DELIVERED if delivered else MessageState.SENT,
        "provider_id": provider_id,
        "sent_at": now,
        "last_error": note,
    }
    if delivered:
        values["delivered_at"] = now
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.state == MessageState.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    invitation_values: dict[str, object] = {}
    if not message.invitation_sent:
        invitation_values["sent_at"] = now
    if message.kind is MessageKind.INVITE:
        _reschedule_reminders(message, now)
    if delivered and not message.invitation_delivered:
        invitation_values["delivered_at"] = now
    if invitation_values:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == message.invitation_id)
            .values(**invitation_values)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def _reschedule_reminders(invite: Claimed, sent_at: datetime) -> None:
    """Reminder k goes k × delay after the invitation SMS actually went."""
    for sequence in range(1, MAX_REMINDERS + 1):
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.invitation_id == invite.invitation_id,
                OutboxMessage.kind == MessageKind.REMINDER,
                OutboxMessage.sequence == sequence,
                OutboxMessage.state == MessageState.QUEUED,
            )
            .values(next_attempt_at=sent_at + timedelta(days=invite.reminder_delay_days * sequence))
            .execution_options(synchronize_session=False)
        )


def _record_failure(
    message: Claimed,
    failure: TemporaryFailure | PermanentFailure,
    now: datetime,
    settings: SmsSettings,
) -> str:
    """Back to the queue with back-off, or failed for good; returns which."""
    attempts = message.attempts
    values: dict[str, object] = {"last_error": failure.reason[:500]}
    if isinstance(failure, TemporaryFailure) and attempts < settings.max_attempts:
        delay = backoff_seconds(attempts, settings.retry_base_seconds, settings.retry_max_seconds)
        if failure.retry_after is not None:
            delay = max(delay, failure.retry_after)
        values.update(state=MessageState.QUEUED, next_attempt_at=now + timedelta(seconds=delay))
        outcome = "retry"
    elif message.kind is MessageKind.REMINDER:
        _forget_reminder(message.id)
        db.session.commit()
        return "failed"
    else:
        values["state"] = MessageState.FAILED
        outcome = "failed"
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.state == MessageState.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return outcome


class Throttle:
    """At most `rate` sends per second (the providers' and operators' limits)."""

    def __init__(
        self,
        rate: float,
        sleep: Callable[[float], None] = clock.sleep,
        monotonic: Callable[[], float] = clock.monotonic,
    ) -> None:
        self.interval = 1.0 / rate
        self.sleep = sleep
        self.monotonic = monotonic
        self.next_slot: float | None = None

    def wait(self) -> None:
        current = self.monotonic()
        if self.next_slot is not None and current < self.next_slot:
            self.sleep(self.next_slot - current)
            current = self.next_slot
        self.next_slot = current + self.interval


def send_due(
    gateway: Gateway,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    throttle: Throttle | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> SendSummary:
    """Send every message due at `now` once (or read the clock per message when None).

    Returns counts; never raises for a gateway failure. `should_stop` is asked between
    messages, so a stopping worker finishes the message in hand and then returns.
    """
    settings = sms_settings()
    moment: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    throttle = throttle or Throttle(settings.rate_per_second)
    summary = SendSummary(uncertain=fail_stale_claims(moment()))
    handled = 0
    while (limit is None or handled < limit) and not should_stop():
        current = moment()
        message = _next_candidate(current)
        if message is None:
            db.session.rollback()
            break
        handled += 1
        action, reason, until = _decision(message, current)
        if action == "cancel":
            summary.cancelled += _finish(message, reason)
            continue
        if action == "postpone" and until is not None:
            _postpone(message.id, until, reason)
            summary.postponed += 1
            continue
        secret = secrets.token_urlsafe(24)
        stale_at = current + timedelta(seconds=settings.sending_stale_seconds)
        recipient, claimed = message.invitation.phone, Claimed.of(message)
        token = _claim(message, gateway, secret, stale_at)
        if token is None:
            continue  # another worker took it
        body = compose_for(
            message.invitation,
            claimed.kind,
            survey_link(current_app.config["SURVEY_BASE_URL"], token),
        ).body
        throttle.wait()
        assert recipient is not None  # noqa: S101  (_decision cancels messages without one)
        try:
            accepted = gateway.send(
                OutgoingSms(to=recipient, body=body, callback_secret=secret, message_id=claimed.id)
            )
        except (TemporaryFailure, PermanentFailure) as failure:
            outcome = _record_failure(claimed, failure, moment(), settings)
            log.info(
                "sms: message %d %s via %s: %s", claimed.id, outcome, gateway.name, failure.reason
            )
            if outcome == "retry":
                summary.retry_later += 1
            else:
                summary.failed += 1
            continue
        _record_sent(claimed, accepted.provider_id, accepted.delivered, accepted.note, moment())
        log.info("sms: message %d sent via %s", claimed.id, gateway.name)
        summary.sent += 1
    return summary
