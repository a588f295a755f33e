"""Staff sessions: begun only after every factor, ended everywhere at once, and timed out.

The session cookie carries the account's id, its session epoch and a stamp of its password
hash (User.get_id). Raising the epoch in the database ends every session of the account on
every worker and host at once: a cookie copied before a logout is worthless after it.
Between the password and the second factor the cookie carries only a short-lived "pending"
sign-in, which opens no staff page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, session
from flask_login import login_user, logout_user

from survey_app.extensions import db
from survey_app.models import User, utcnow

#: When the session was begun (for the absolute time-out) and last seen (for the idle one).
SIGNED_IN_AT_KEY = "staff_signed_in_at"
SEEN_KEY = "staff_seen"
#: The identity provider asked for a second factor at this sign-in (see oidc).
IDP_MFA_KEY = "staff_idp_mfa"
#: A sign-in waiting for its second factor.
PENDING_KEY = "staff_pending"
#: How long the second-factor step may take after the password.
PENDING_SECONDS = 5 * 60
#: Kept across the session's reset at sign-in: a form posted into an ended session.
CARRIED_KEYS = ("staff_kept_form",)


def end_every_session(user: User) -> None:
    """End all sessions of the account, on every process (the caller commits)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def _fresh_session() -> None:
    """Nothing from before (a family link, an old session, a pending step) remains."""
    carried = {key: session[key] for key in CARRIED_KEYS if key in session}
    session.clear()
    session.update(carried)


def begin_session(user: User, *, idp_mfa: bool = False) -> None:
    """Sign the person in: every factor has been checked."""
    _fresh_session()
    login_user(user)
    now = time.time()
    session[SIGNED_IN_AT_KEY] = now
    session[SEEN_KEY] = now
    if idp_mfa:
        session[IDP_MFA_KEY] = True
    user.last_login_at = utcnow()


def renew_session(user: User) -> None:
    """Keep this session going after the account's epoch or password changed under it."""
    signed_in_at = session.get(SIGNED_IN_AT_KEY, time.time())
    login_user(user)
    session[SIGNED_IN_AT_KEY] = signed_in_at


def end_session() -> None:
    logout_user()
    _fresh_session()


def session_expired() -> bool:
    """The session began longer ago than STAFF_SESSION_HOURS (or before this rule existed)."""
    signed_in_at = session.get(SIGNED_IN_AT_KEY)
    limit = float(current_app.config["STAFF_SESSION_HOURS"]) * 3600
    return not isinstance(signed_in_at, int | float) or time.time() - signed_in_at > limit


@dataclass(frozen=True)
class PendingSignIn:
    """A password (or the identity provider) accepted; the second factor still to come."""

    user: User
    via: str
    next_page: str | None


def begin_pending(user: User, *, via: str, next_page: str | None) -> None:
    _fresh_session()
    session[PENDING_KEY] = {
        "user": user.get_id(),
        "since": time.time(),
        "via": via,
        "next": next_page,
    }


def pending_sign_in() -> PendingSignIn | None:
    """The sign-in waiting for a second factor, unless it is too old or the account changed."""
    pending: Any = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    since = pending.get("since")
    if not isinstance(since, int | float) or time.time() - since > PENDING_SECONDS:
        return None
    session_id = str(pending.get("user", ""))
    user_id = session_id.partition(":")[0]
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or user.get_id() != session_id:
        return None
    return PendingSignIn(user, str(pending.get("via", "")), pending.get("next"))


def drop_pending() -> None:
    session.pop(PENDING_KEY, None)
