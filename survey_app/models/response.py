"""Answers: drafts while a person answers, then an anonymous Response.

A Response has no column that leads back to an Invitation or a Draft, and its key is random
(never a sequence) so that the order of responses cannot be matched with the order in which
invitations were completed. On SQLite both tables are WITHOUT ROWID for the same reason:
a hidden rowid would be such a sequence.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.meeting import AgeBand, Role
from survey_app.models.types import UTCDateTime, utcnow, value_enum


def new_response_id() -> str:
    """A random 128-bit identifier, hex."""
    return secrets.token_hex(16)


class Draft(db.Model):  # type: ignore[name-defined]
    """In-progress answers of one invitation, saved page by page; deleted on submit or close."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), unique=True)
    #: Item key → "4" / "na" / free text, as posted.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The furthest page (1-based) the respondent may open.
    reached_page: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Response(db.Model):  # type: ignore[name-defined]
    """One submitted questionnaire, anonymous: no invitation, no time of day, no client data."""

    __tablename__ = "responses"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    questionnaire_key: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[int]
    role: Mapped[Role] = mapped_column(value_enum(Role))
    age_band: Mapped[AgeBand] = mapped_column(value_enum(AgeBand))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    #: A date, never a time: a time could be matched with an invitation's completed_at.
    submitted_on: Mapped[date]

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.item_key"
    )


class Answer(db.Model):  # type: ignore[name-defined]
    """One item of a Response: a value on the item's scale, "no answer" (NULL), or free text."""

    __tablename__ = "answers"
    __table_args__ = (
        # Every scale in use runs from 1 to at most 4; the item's own range is checked on input.
        CheckConstraint("value IS NULL OR (value >= 1 AND value <= 4)", name="value_on_a_scale"),
        CheckConstraint("value IS NULL OR text IS NULL", name="value_or_text"),
        {"sqlite_with_rowid": False},
    )

    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
