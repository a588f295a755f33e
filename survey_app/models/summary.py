"""What came of a window, told to families: a published summary per area and the teams' actions.

Nothing here is about a family. The figures a summary page shows are not stored: they are read
from the window's closing report (results.json), where the one small-group rule has already
hidden what must not be shown. What is stored is what staff decided and wrote: that the
summary of an area is published, and what each team will change, by when they report back.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.campaign import Campaign
from survey_app.models.reference import Area, Team
from survey_app.models.types import UTCDateTime, utcnow

#: The longest text staff may write for one action: a few short sentences, read on a phone.
ACTION_TEXT_LENGTH = 300


class FamilySummary(db.Model):  # type: ignore[name-defined]
    """The published summary of one window for one area (one per window and area)."""

    __tablename__ = "family_summaries"
    __table_args__ = (UniqueConstraint("campaign_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    campaign: Mapped[Campaign] = relationship()
    area: Mapped[Area] = relationship()
    actions: Mapped[list[SummaryAction]] = relationship(
        back_populates="summary", cascade="all, delete-orphan", order_by="SummaryAction.position"
    )


class SummaryAction(db.Model):  # type: ignore[name-defined]
    """One thing a team will change, in the words of staff, and when they will report back."""

    __tablename__ = "summary_actions"
    __table_args__ = (
        CheckConstraint(f"length(text) <= {ACTION_TEXT_LENGTH}", name="text_length"),
        UniqueConstraint("summary_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("family_summaries.id"), index=True)
    position: Mapped[int]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    text: Mapped[str] = mapped_column(String(ACTION_TEXT_LENGTH))
    report_back_on: Mapped[date]

    summary: Mapped[FamilySummary] = relationship(back_populates="actions")
    team: Mapped[Team] = relationship()
