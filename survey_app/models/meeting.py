"""SIP meetings and the people invited to say how they experienced them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.campaign import Campaign
from survey_app.models.reference import Team
from survey_app.models.types import UTCDateTime, utcnow, value_enum


class AgeBand(enum.StrEnum):
    UNDER_6 = "0-5"
    CHILD = "6-11"
    YOUTH = "12-18"


class ChildAttended(enum.StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class Role(enum.StrEnum):
    GUARDIAN = "guardian"
    CHILD = "child"
    YOUTH = "youth"


class Service(enum.StrEnum):
    SOCIAL_SERVICES = "social_services"
    PRIMARY_CARE = "primary_care"
    SCHOOL_HEALTH = "school_health"
    CHILD_PSYCHIATRY = "child_psychiatry"
    HABILITATION = "habilitation"
    OTHER = "other"


class Meeting(db.Model):  # type: ignore[name-defined]
    __tablename__ = "meetings"
    #: The staff meeting list: meetings by date (of one window or all), a page at a time
    #: without sorting them all.
    __table_args__ = (
        Index("ix_meetings_campaign_id_held_on", "campaign_id", "held_on", "id"),
        Index("ix_meetings_held_on", "held_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    held_on: Mapped[date]
    age_band: Mapped[AgeBand] = mapped_column(value_enum(AgeBand))
    child_attended: Mapped[ChildAttended] = mapped_column(value_enum(ChildAttended))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    team: Mapped[Team] = relationship()
    services: Mapped[list[MeetingService]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Invitation.id"
    )


class MeetingService(db.Model):  # type: ignore[name-defined]
    """One service that took part in a meeting."""

    __tablename__ = "meeting_services"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    service: Mapped[Service] = mapped_column(value_enum(Service, 24), primary_key=True)

    meeting: Mapped[Meeting] = relationship(back_populates="services")


class Invitation(db.Model):  # type: ignore[name-defined]
    """One person invited to answer about one meeting.

    Nothing here says whether the person opened, started or answered: those facts exist only
    as keyed marks (survey_app.domain.sealing) while the window is open, and not at all after.
    The links are in Link, one per SMS or letter that carried one.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    role: Mapped[Role] = mapped_column(value_enum(Role))
    questionnaire_key: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8), default="sv")
    #: E.164 phone number; deleted when the window closes.
    phone: Mapped[str | None] = mapped_column(String(20))
    #: For a child without a phone: the guardian invitation whose phone gets the child's link.
    handover_from_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the invitation SMS went and was delivered (the reminders are counted per window).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Withdrawn by staff (a wrong number, or corrected into a new invitation): its links are
    #: revoked and nothing more is sent.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The invitation this one corrects (same person, right number or language).
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    handover_from: Mapped[Invitation | None] = relationship(
        remote_side=[id], foreign_keys=[handover_from_id]
    )


class Link(db.Model):  # type: ignore[name-defined]
    """One personal link of an invitation: the hash of the token an SMS or a letter carried.

    A token is made when its message is sent (or its letter printed) and exists only in that
    message: no queued SMS holds a usable link. An invitation has a link per message that
    carried one, and any of them opens it.
    """

    __tablename__ = "links"
    __table_args__ = (
        CheckConstraint("length(token_hash) = 64", name="token_hash_is_sha256"),
        {"sqlite_with_rowid": False},
    )

    #: SHA-256 (hex) of the link's random token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
