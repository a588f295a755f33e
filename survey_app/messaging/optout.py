"""Opting out of further SMS: from the start page, or by answering STOPP to the sender number.

Opting out records the moment and cancels the queued messages; nothing else is recorded
(not why, not from where). The person can still answer with the link they have.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from survey_app.extensions import db
from survey_app.models import (
    Campaign,
    CampaignState,
    Invitation,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    utcnow,
)

#: Replies that mean "no more SMS" (Swedish and English), alone or with a trailing word.
STOP_WORDS = re.compile(r"^\s*(stopp|stop|sluta|avsluta|avbryt)\b", re.IGNORECASE)


def is_stop_request(text: str) -> bool:
    return bool(STOP_WORDS.match(text or ""))


def _cancel_queued(invitation_ids: list[int]) -> int:
    """Cancel the queued invitation SMS and delete the queued reminders (as handled ones are)."""
    if not invitation_ids:
        return 0
    queued = (
        OutboxMessage.invitation_id.in_(invitation_ids),
        OutboxMessage.state == MessageState.QUEUED,
    )
    reminders = db.session.execute(
        delete(OutboxMessage)
        .where(*queued, OutboxMessage.kind == MessageKind.REMINDER)
        .execution_options(synchronize_session=False)
    )
    invites = db.session.execute(
        update(OutboxMessage)
        .where(*queued)
        .values(state=MessageState.CANCELLED, last_error="opted out")
        .execution_options(synchronize_session=False)
    )
    return int(reminders.rowcount) + int(invites.rowcount)  # type: ignore[attr-defined]


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
    """STOPP by SMS: every invitation with this number in an open window.

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
                or_(Campaign.state == CampaignState.OPEN, Campaign.state == CampaignState.DRAFT),
                Campaign.closes_at > now,
            )
        )
    )
    _mark(ids, now)
    _cancel_queued(ids)
    db.session.commit()
    return len(ids)
