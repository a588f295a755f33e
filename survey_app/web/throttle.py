"""Throttles against guessing: failed staff logins and unknown family links, per client.

Built on `limits` (moving windows, memory or a shared store such as Redis). Flask-Limiter,
which wraps it, checked its rules before every request of every page, about a tenth of a
family page's CPU, for the two places here that count anything; these count only where a
guess can happen. Counters hold the client address for the window's length and nothing else.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from survey_app.config import ConfigurationError

EXTENSION_KEY = "survey_throttle"


def init_throttle(app: Flask) -> None:
    for setting in ("LOGIN_FAILURE_LIMIT", "LINK_FAILURE_LIMIT"):
        try:
            parse(str(app.config[setting]))
        except ValueError as error:
            raise ConfigurationError(
                f"{setting}={app.config[setting]!r} is not a rate such as '10 per 15 minutes'"
            ) from error
    storage: Storage | None = None
    if app.config.get("RATELIMIT_ENABLED", True):
        uri = str(app.config["RATELIMIT_STORAGE_URI"])
        try:
            found = storage_from_string(uri)
        except Exception as error:  # an unknown scheme, or its driver is not installed
            raise ConfigurationError(f"RATELIMIT_STORAGE_URI={uri!r}: {error}") from None
        if not isinstance(found, Storage):  # an async:// store
            raise ConfigurationError(f"RATELIMIT_STORAGE_URI={uri!r}: use a synchronous store")
        storage = found
    app.extensions[EXTENSION_KEY] = storage


def throttle() -> MovingWindowRateLimiter | None:
    """The app's limiter, or None when throttling is turned off (RATELIMIT_ENABLED)."""
    storage: Storage | None = current_app.extensions.get(EXTENSION_KEY)
    return MovingWindowRateLimiter(storage) if storage is not None else None


def rate(setting: str) -> RateLimitItem:
    return parse(str(current_app.config[setting]))


def client_address() -> str:
    """The client as the throttles see it (behind nginx: from X-Forwarded-For, see security)."""
    return request.remote_addr or "-"


def reset(app: Flask) -> None:
    """Forget every count (tests)."""
    storage: Storage | None = app.extensions.get(EXTENSION_KEY)
    if storage is not None:
        storage.reset()
