"""Opting out of further SMS: from the start page, or by answering STOPP to the sender number.

Opting out records the moment and cancels the queued messages; nothing else is recorded
(not why, not from where). The person can still answer with the link they have.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import or_, select, update

from survey_app.extensions import db
from survey_app.messaging.outbox import redact
from survey_app.messaging.settings import sms_settings
from survey_app.models import (
    Campaign,
    CampaignState,
    Invitation,
    Meeting,
    MessageState,
    OutboxMessage,
    utcnow,
)

#: Replies that mean "no more SMS" (Swedish and English), alone or with a trailing word.
STOP_WORDS = re.compile(r"^\s*(stopp|stop|sluta|avsluta|avbryt)\b", re.IGNORECASE)


def is_stop_request(text: str) -> bool:
    return bool(STOP_WORDS.match(text or ""))


def _cancel_queued(invitation_ids: list[int]) -> int:
    if not invitation_ids:
        return 0
    keep = sms_settings().keep_sent_bodies
    queued = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.invitation_id.in_(invitation_ids),
            OutboxMessage.state == MessageState.QUEUED,
        )
    ).all()
    for message in queued:
        message.state = MessageState.CANCELLED
        message.last_error = "opted out"
        if not keep:
            message.body = redact(message.body)
    return len(queued)


def _mark(invitation_ids: list[int], now: datetime) -> None:
    if invitation_ids:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id.in_(invitation_ids), Invitation.opted_out_at.is_(None))
            .values(opted_out_at=now)
            .execution_options(synchronize_session=False)
        )


def opt_out(invitation_id: int, now: datetime | None = None) -> int:
    """Stop SMS to this invitation's phone; returns the number of messages cancelled.

    Only this invitation is marked opted out. Reminders of a child's link handed over to the
    same phone are cancelled too (they would reach the same person), but the child is not
    marked: the child may still answer on that phone after the guardian.
    """
    now = now or utcnow()
    handed_over = select(Invitation.id).where(Invitation.handover_from_id == invitation_id)
    _mark([invitation_id], now)
    cancelled = _cancel_queued([invitation_id, *db.session.scalars(handed_over)])
    db.session.commit()
    return cancelled


def opt_out_phone(phone: str, now: datetime | None = None) -> int:
    """STOPP by SMS: every not completed invitation with this number in an open window.

    Returns the number of invitations affected (0 for an unknown number: nothing is stored).
    """
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            select(Invitation.id)
            .join(Meeting, Invitation.meeting_id == Meeting.id)
            .join(Campaign, Meeting.campaign_id == Campaign.id)
            .where(
                Invitation.phone == phone,
                Invitation.completed_at.is_(None),
                or_(Campaign.state == CampaignState.OPEN, Campaign.state == CampaignState.DRAFT),
                Campaign.closes_at > now,
            )
        )
    )
    _mark(ids, now)
    _cancel_queued(ids)
    db.session.commit()
    return len(ids)
