"""A collection window: the period during which families can answer."""

from __future__ import annotations

import enum
from datetime import datetime, time

from sqlalchemy import CheckConstraint, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db
from survey_app.models.types import UTCDateTime, utcnow, value_enum


class CampaignState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ANALYSED = "analysed"


class Campaign(db.Model):  # type: ignore[name-defined]
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        CheckConstraint("reminder_count >= 0 AND reminder_count <= 3", name="reminder_count_range"),
        CheckConstraint("reminder_delay_days >= 1", name="reminder_delay_positive"),
        CheckConstraint(
            "(state IN ('closed', 'analysed')) = (closed_at IS NOT NULL)",
            name="closed_has_closed_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[CampaignState] = mapped_column(
        value_enum(CampaignState, 12),
        default=CampaignState.DRAFT,
    )
    reminder_count: Mapped[int] = mapped_column(default=1)
    reminder_delay_days: Mapped[int] = mapped_column(default=4)
    #: No SMS is sent between these local (Europe/Stockholm) times.
    quiet_from: Mapped[time] = mapped_column(Time, default=time(21, 0))
    quiet_until: Mapped[time] = mapped_column(Time, default=time(8, 0))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Unfinished drafts counted (then deleted) when the window closed, for the funnel.
    drafts_discarded: Mapped[int | None] = mapped_column()

    def accepts_answers(self, now: datetime) -> bool:
        """Answers are taken inside the window, unless the window has already been closed."""
        if self.state in (CampaignState.CLOSED, CampaignState.ANALYSED):
            return False
        return self.opens_at <= now < self.closes_at

    def has_ended(self, now: datetime) -> bool:
        """The window is over (by the clock or because it was closed)."""
        return window_has_ended(self.state, self.closes_at, now)


def window_has_ended(state: CampaignState, closes_at: datetime, now: datetime) -> bool:
    """The rule behind Campaign.has_ended, for pages that read the columns without the ORM."""
    return state in (CampaignState.CLOSED, CampaignState.ANALYSED) or now >= closes_at
