"""A collection window: the period during which families can answer."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import Any

from sqlalchemy import CheckConstraint, ColumnElement, String, Time, and_
from sqlalchemy.ext.hybrid import hybrid_method
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
        CheckConstraint("reminders_sent >= 0", name="reminders_sent_not_negative"),
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
    #: Reminders sent in this window. Counted here, not per invitation: whether a person got
    #: a reminder would say whether they had answered by then.
    reminders_sent: Mapped[int] = mapped_column(default=0)

    @hybrid_method
    def accepts_answers(self, now: datetime) -> bool:
        """THE window rule: answers are taken from opens_at until closes_at, unless closed.

        Usable in Python (`campaign.accepts_answers(now)`) and in SQL
        (`select(...).where(Campaign.accepts_answers(now))`), so the submit's conditional
        write and every page apply the same rule.
        """
        return window_accepts(self.state, self.opens_at, self.closes_at, now)

    # (mypy does not follow SQLAlchemy's hybrid_method.inplace; it works as documented)
    @accepts_answers.inplace.expression  # type: ignore[attr-defined]
    @classmethod
    def _accepts_answers_expression(cls, now: Any) -> ColumnElement[bool]:
        return and_(
            cls.state.not_in(ENDED_STATES),
            cls.opens_at <= now,
            cls.closes_at > now,
        )

    def has_ended(self, now: datetime) -> bool:
        """The window is over (by the clock or because it was closed)."""
        return window_has_ended(self.state, self.closes_at, now)


#: States in which a window takes no answers whatever the clock says.
ENDED_STATES = (CampaignState.CLOSED, CampaignState.ANALYSED)


def window_accepts(
    state: CampaignState, opens_at: datetime, closes_at: datetime, now: datetime
) -> bool:
    """The rule behind Campaign.accepts_answers, for code that reads the columns as a row."""
    return state not in ENDED_STATES and opens_at <= now < closes_at


def window_has_ended(state: CampaignState, closes_at: datetime, now: datetime) -> bool:
    """The rule behind Campaign.has_ended, for pages that read the columns without the ORM."""
    return state in ENDED_STATES or now >= closes_at
