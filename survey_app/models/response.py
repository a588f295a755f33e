"""Answers: sealed while a window is open, released in groups when it closes.

While a window is open a draft and a submitted response are sealed blobs (AES-GCM, padded to
one size) keyed by nothing that leads to an invitation: a draft by a keyed mark of its
invitation, a sealed response by a random id. When the window closes the responses are
released (survey_app.domain.release): each becomes a Response with its group attributes
generalised so that every released group holds at least MIN_GROUP_SIZE responses, and no
date or time. On SQLite the tables are WITHOUT ROWID: a hidden rowid would be a sequence in
the order of answering.
"""

from __future__ import annotations

import secrets

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.meeting import Role
from survey_app.models.types import value_enum

#: A group attribute generalised away at release ("any").
GENERALISED = "*"


def new_response_id() -> str:
    """A random 128-bit identifier, hex."""
    return secrets.token_hex(16)


class Draft(db.Model):  # type: ignore[name-defined]
    """In-progress answers of one invitation, sealed; deleted on submit or at close."""

    __tablename__ = "drafts"
    __table_args__ = ({"sqlite_with_rowid": False},)

    #: The invitation's keyed "draft" mark: finds the draft without naming the invitation.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    #: {"answers": {item key: posted value}, "reached_page": n}, sealed.
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SealedResponse(db.Model):  # type: ignore[name-defined]
    """A submitted questionnaire while its window is open: one sealed blob, nothing else."""

    __tablename__ = "sealed_responses"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class LinkMark(db.Model):  # type: ignore[name-defined]
    """A keyed fact about an invitation ("opened", "started", "answered"); deleted at close."""

    __tablename__ = "link_marks"
    __table_args__ = ({"sqlite_with_rowid": False},)

    mark: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)


class FunnelCount(db.Model):  # type: ignore[name-defined]
    """How many invitations of a role opened / started, per window: counts, never who."""

    __tablename__ = "funnel_counts"
    __table_args__ = (
        CheckConstraint("stage IN ('opened', 'started')", name="known_stage"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(value_enum(Role), primary_key=True)
    stage: Mapped[str] = mapped_column(String(8), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


_AGE_BANDS = "('0-5', '6-11', '12-18', '*')"
_ATTENDANCE = "('yes', 'partly', 'no', '*')"


class Response(db.Model):  # type: ignore[name-defined]
    """One released questionnaire: its group at the level that keeps it among MIN_GROUP_SIZE.

    No invitation, no team, no language (only Swedish or another), no date or time.
    """

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(f"age_band IN {_AGE_BANDS}", name="known_age_band"),
        CheckConstraint("language_group IN ('sv', 'other', '*')", name="known_language_group"),
        CheckConstraint("area != '*' OR municipality = '*'", name="no_municipality_without_area"),
        CheckConstraint(f"child_attended IN {_ATTENDANCE}", name="known_child_attended"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    questionnaire_key: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[int]
    role: Mapped[Role] = mapped_column(value_enum(Role))
    age_band: Mapped[str] = mapped_column(String(8))
    area: Mapped[str] = mapped_column(String(80))
    municipality: Mapped[str] = mapped_column(String(80))
    #: "sv" (Swedish), "other" (another language) or "*".
    language_group: Mapped[str] = mapped_column(String(8))
    #: Whether the child took part in the meeting: "yes", "partly", "no" or "*".
    child_attended: Mapped[str] = mapped_column(String(8))

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


class ReleasedCell(db.Model):  # type: ignore[name-defined]
    """At close: the released group of every group of invitations, so that the data set maps
    invitations to exactly the groups their responses were released in."""

    __tablename__ = "released_cells"
    __table_args__ = ({"sqlite_with_rowid": False},)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(value_enum(Role), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    area: Mapped[str] = mapped_column(String(80), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(80), primary_key=True)
    language_group: Mapped[str] = mapped_column(String(8), primary_key=True)
    child_attended: Mapped[str] = mapped_column(String(8), primary_key=True)
    released_age_band: Mapped[str] = mapped_column(String(8))
    released_area: Mapped[str] = mapped_column(String(80))
    released_municipality: Mapped[str] = mapped_column(String(80))
    released_language_group: Mapped[str] = mapped_column(String(8))
    released_child_attended: Mapped[str] = mapped_column(String(8))


class ReleasedServiceCount(db.Model):  # type: ignore[name-defined]
    """At close: invitations and responses of one role at meetings one service was at.

    Counts, not a column of Response: a meeting has several services, and each would be one
    more attribute to single a response out by. Written only where the count and the rest of
    its role reach the minimum group size (analysis.anonymity.releasable_parts), so the
    database never holds a small group's figure.
    """

    __tablename__ = "released_service_counts"
    __table_args__ = (
        CheckConstraint("completed >= 0 AND completed <= invited", name="completed_of_invited"),
    )

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(value_enum(Role), primary_key=True)
    service: Mapped[str] = mapped_column(String(24), primary_key=True)
    invited: Mapped[int]
    completed: Mapped[int]
