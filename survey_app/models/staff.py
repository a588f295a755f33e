"""Staff accounts and the audit trail of what staff did."""

from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import datetime
from typing import Any

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.reference import Team
from survey_app.models.types import UTCDateTime, utcnow, value_enum


class StaffRole(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    ANALYST = "analyst"


user_teams = Table(
    "user_teams",
    db.metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("team_id", ForeignKey("teams.id"), primary_key=True),
)


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """A staff account. Flask-Login's mixin makes it the logged-in user."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(value_enum(StaffRole, 12))
    active: Mapped[bool] = mapped_column(default=True)
    #: The staff member's interface language (sv or en).
    language: Mapped[str] = mapped_column(String(8), default="sv")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Raised to end every session of the account at once (logout, new password, new role,
    #: disabled, second factor reset): sessions carry the value they started with.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    #: Set with a temporary password (a new account): nothing but a new password until then.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    teams: Mapped[list[Team]] = relationship(secondary=user_teams, order_by="Team.name")
    second_factor: Mapped[SecondFactor | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The session's user id with its epoch, and stamped with the password hash."""
        return f"{self.id}:{self.session_epoch}:{session_stamp(self.password_hash)}"


def session_stamp(password_hash: str) -> str:
    """A short keyed digest of the password hash: a new password makes older sessions invalid.

    Here rather than with the password code so that the model imports nothing above it.
    """
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, password_hash.encode(), hashlib.sha256).hexdigest()[:16]


class SecondFactor(db.Model):  # type: ignore[name-defined]
    """A staff member's authenticator app (TOTP, RFC 6238)."""

    __tablename__ = "staff_second_factors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: The seed, encrypted with AES-GCM under a key derived from SECRET_KEY: a database backup
    #: alone cannot produce codes.
    secret: Mapped[str] = mapped_column(String(255))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The 30-second step of the last accepted code: a code (even a stolen one) works once.
    last_step: Mapped[int | None] = mapped_column()

    user: Mapped[User] = relationship(back_populates="second_factor")


class RecoveryCode(db.Model):  # type: ignore[name-defined]
    """One single-use recovery code, for when the authenticator app is lost."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: HMAC-SHA256 of the code under a key derived from SECRET_KEY; never the code.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordReset(db.Model):  # type: ignore[name-defined]
    """A one-time link an admin issued so that a staff member can set a new password."""

    __tablename__ = "password_resets"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: SHA-256 of the link's 128-bit random token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """Who did what to which object, and when. Staff actions only; never respondents."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
