"""Password reset links: issued by an admin (or `flask users reset`), expiring, used once.

The link carries a 128-bit random token; only its SHA-256 is stored, like the families' links.
Issuing a new link for an account withdraws the older unused ones.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from survey_app.accounts.passwords import hash_password
from survey_app.accounts.sessions import end_every_session
from survey_app.domain import audit
from survey_app.domain.tokens import hash_token, looks_like_token, new_token
from survey_app.extensions import db
from survey_app.models import PasswordReset, User, utcnow

RESET_PATH = "/staff/reset/"


def issue_reset(
    user: User, issued_by: User | None, *, via: str = "web"
) -> tuple[str, PasswordReset]:
    """A new one-time reset link's token for the account, and its record (the caller commits)."""
    db.session.execute(
        delete(PasswordReset)
        .where(PasswordReset.user_id == user.id)
        .where(PasswordReset.used_at.is_(None))
    )
    token = new_token()
    now = utcnow()
    hours = int(current_app.config["PASSWORD_RESET_HOURS"])
    reset = PasswordReset(
        user_id=user.id,
        token_hash=hash_token(token),
        issued_by_id=issued_by.id if issued_by is not None else None,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(reset)
    db.session.flush()
    audit.record(issued_by, audit.PASSWORD_RESET_ISSUED, "user", user.id, hours=hours, via=via)
    return token, reset


def reset_url(token: str) -> str:
    return f"{current_app.config['SURVEY_BASE_URL']}{RESET_PATH}{token}"


def usable_reset(token_or_id: str | int) -> PasswordReset | None:
    """The reset behind a token (or a reset id kept in the session), if it can still be used."""
    query = select(PasswordReset)
    if isinstance(token_or_id, str) and not looks_like_token(token_or_id):
        return None
    if isinstance(token_or_id, int):
        query = query.where(PasswordReset.id == token_or_id)
    else:
        query = query.where(PasswordReset.token_hash == hash_token(token_or_id))
    reset = db.session.scalar(query)
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    if not reset.user.active:
        return None
    return reset


def use_reset(reset: PasswordReset, new_password: str) -> bool:
    """Set the new password; False when the link was used meanwhile (e.g. a second tab)."""
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id)
        .where(PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    user = reset.user
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    end_every_session(user)
    audit.record(user, audit.PASSWORD_RESET_USED, "user", user.id)
    return True
