"""Delivery reports from the providers: applied once, in order, never going backwards."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update

from survey_app.extensions import db
from survey_app.models import Invitation, MessageKind, MessageState, OutboxMessage, utcnow

log = logging.getLogger(__name__)

#: What the providers' words mean for a message (46elks: sent/delivered/failed; Twilio:
#: queued/sending/sent/delivered/undelivered/failed).
DELIVERED_WORDS = frozenset({"delivered"})
FAILED_WORDS = frozenset({"failed", "undelivered"})
SENT_WORDS = frozenset({"sent", "queued", "accepted", "sending", "created"})


def apply_report(
    message: OutboxMessage, status: str, provider_id: str | None, at: datetime | None = None
) -> bool:
    """Apply one delivery report; False when it changes nothing (a duplicate or stale one).

    Delivered is final: a late "sent" or a repeated report does not move a message back.
    A report for a message whose outcome the worker never recorded (killed after the request,
    so still `sending` or failed-uncertain) shows that the provider has it: it counts as sent.
    """
    at = at or utcnow()
    word = status.strip().lower()
    if message.state in (MessageState.DELIVERED, MessageState.CANCELLED):
        return False
    unrecorded = message.state is MessageState.SENDING or (
        message.state is MessageState.FAILED and message.sent_at is None
    )
    values: dict[str, object] = {}
    if provider_id and not message.provider_id:
        values["provider_id"] = provider_id
    if word in DELIVERED_WORDS:
        values.update(state=MessageState.DELIVERED, delivered_at=at, last_error=None)
    elif word in FAILED_WORDS:
        if message.state is not MessageState.FAILED or unrecorded:
            values.update(state=MessageState.FAILED, last_error=f"provider reported {word}")
    elif word in SENT_WORDS:
        if unrecorded:
            values.update(state=MessageState.SENT, last_error=None)
    else:
        log.info("sms: delivery report with unknown status ignored (message %d)", message.id)
        return False
    if not values:
        return False
    if message.sent_at is None:
        values["sent_at"] = at
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    invitation_values: dict[str, object] = {}
    if values.get("state") is MessageState.DELIVERED:
        invitation_values["delivered_at"] = at
    if message.kind is MessageKind.INVITE and values.get("state") in (
        MessageState.SENT,
        MessageState.DELIVERED,
    ):
        invitation_values["sent_at"] = at
    for column, value in invitation_values.items():
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == message.invitation_id, getattr(Invitation, column).is_(None))
            .values({column: value})
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return True
