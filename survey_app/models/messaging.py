"""The SMS outbox: every message is a row before it is a request to a gateway."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.meeting import Invitation
from survey_app.models.types import UTCDateTime, utcnow, value_enum


class MessageKind(enum.StrEnum):
    INVITE = "invite"
    REMINDER = "reminder"
    #: The invitation sent again by staff (a new link; earlier ones keep working).
    RESEND = "resend"


class MessageState(enum.StrEnum):
    QUEUED = "queued"
    #: Claimed by a worker and handed to the gateway; the outcome is not yet recorded.
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(db.Model):  # type: ignore[name-defined]
    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("invitation_id", "kind", "sequence", name="one_per_kind_and_sequence"),
        CheckConstraint("segments >= 1", name="segments_positive"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint(
            "state NOT IN ('sent', 'delivered') OR sent_at IS NOT NULL", name="sent_has_sent_at"
        ),
        #: The staff meeting list's status search reads invitation SMS by state from here alone.
        Index("ix_outbox_messages_kind_state", "kind", "state", "invitation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    kind: Mapped[MessageKind] = mapped_column(value_enum(MessageKind, 12))
    #: 0 for the invitation, 1… for reminders and for resends.
    sequence: Mapped[int] = mapped_column(default=0)
    # No text: an SMS is composed when it is sent, with a link made then (a queued message
    # holds nothing usable). Segments and encoding are those of the text at queueing.
    segments: Mapped[int] = mapped_column(default=1)
    encoding: Mapped[str] = mapped_column(String(8), default="GSM-7")
    state: Mapped[MessageState] = mapped_column(
        value_enum(MessageState, 12),
        default=MessageState.QUEUED,
        index=True,
    )
    gateway: Mapped[str | None] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    #: SHA-256 of the secret carried in this message's delivery-report URL.
    callback_secret_hash: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invitation: Mapped[Invitation] = relationship()
