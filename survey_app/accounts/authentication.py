"""Staff authentication: who is logged in, checking a password, and locking out guessers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from survey_app.accounts.passwords import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from survey_app.domain import audit  # noqa: F401  (installs the audit trail's append-only guard)
from survey_app.extensions import db, login_manager
from survey_app.models import User
from survey_app.web.throttle import ThrottleUnavailable, client_address, rate, throttle


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (after the same work)."""
    user = find_user(email)
    if user is None:
        spend_verification_time(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def load_user(session_id: str) -> User | None:
    """The user behind a session id "id:epoch:stamp"; None when disabled or the session ended."""
    user_id = session_id.partition(":")[0]
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.get_id() != session_id:
        return None
    return user


@dataclass(frozen=True)
class LoginLock:
    """A lock after too many failed logins, and how long is left of it."""

    seconds_left: int

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil(self.seconds_left / 60))


def _login_keys(email: str) -> tuple[tuple[str, ...], ...]:
    # Counted per account (a guesser changing address) and per address (one guesser, many
    # accounts). Staff addresses live only in the throttle's short-lived counters.
    return (("login-account", normalise_email(email)), ("login-address", client_address()))


def _second_factor_keys(user: User) -> tuple[tuple[str, ...], ...]:
    return (("second-factor", str(user.id)),)


def _lock(setting: str, keys: tuple[tuple[str, ...], ...]) -> LoginLock | None:
    """The lock in force for any of the keys; ThrottleUnavailable if the store is down.

    Sign-in fails closed: without counters a guesser would have no limit at all.
    """
    counter = throttle()
    if counter is None:
        return None
    item = rate(setting)
    waits = []
    try:
        for key in keys:
            if not counter.test(item, *key):
                stats = counter.get_window_stats(item, *key)
                waits.append(max(1, math.ceil(stats.reset_time - time.time())))
    except Exception as error:
        raise ThrottleUnavailable(str(error)) from error
    return LoginLock(max(waits)) if waits else None


def _count(setting: str, keys: tuple[tuple[str, ...], ...]) -> None:
    counter = throttle()
    if counter is None:
        return
    item = rate(setting)
    try:
        for key in keys:
            counter.hit(item, *key)
    except Exception as error:
        raise ThrottleUnavailable(str(error)) from error


def login_lock(email: str) -> LoginLock | None:
    """The lock in force for this e-mail or this client, if any."""
    return _lock("LOGIN_FAILURE_LIMIT", _login_keys(email))


def count_failed_login(email: str) -> None:
    _count("LOGIN_FAILURE_LIMIT", _login_keys(email))


def second_factor_lock(user: User) -> LoginLock | None:
    """The lock after too many wrong codes for this account, if any."""
    return _lock("MFA_FAILURE_LIMIT", _second_factor_keys(user))


def count_failed_second_factor(user: User) -> None:
    _count("MFA_FAILURE_LIMIT", _second_factor_keys(user))


def init_login(app: Flask) -> None:
    from survey_app.accounts.oidc import init_oidc

    init_oidc(app)
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    # Sessions end by inactivity, by age and by the account's epoch (accounts.sessions), and
    # carry no "remember me" cookie.
    # Flask-Login's session protection would tie sessions to a hash of the client address.
    login_manager.session_protection = None
    login_manager.user_loader(load_user)

    @app.before_request
    def forget_cached_user() -> None:
        # Flask-Login caches the user in g, which outlives the request when an app context was
        # pushed around it (tests, scripts): each request must load the user afresh.
        g.pop("_login_user", None)
