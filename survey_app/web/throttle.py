"""Throttles against guessing: staff logins and codes, and unknown family links.

Built on `limits` (moving windows). The counters must be shared by every process that serves:
with `memory://` each gunicorn worker counts alone, so a guesser gets the limit once per
worker. Production therefore refuses `memory://` unless the operator says that one process on
one host serves (SURVEY_SINGLE_PROCESS=1, checked against gunicorn's worker count).
Counters hold the client address or the account for the window's length and nothing else.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from survey_app.config import RELAXED_ENVIRONMENTS, ConfigurationError

EXTENSION_KEY = "survey_throttle"
RATE_SETTINGS = (
    "LOGIN_FAILURE_LIMIT",
    "MFA_FAILURE_LIMIT",
    "LINK_FAILURE_LIMIT",
    "LINK_FAILURE_GLOBAL_LIMIT",
)
#: Stores whose counts live in one process only.
PER_PROCESS_SCHEMES = ("memory://",)


class ThrottleUnavailable(RuntimeError):
    """The shared counter store cannot be reached (staff sign-in then waits; see login)."""


def init_throttle(app: Flask) -> None:
    for setting in RATE_SETTINGS:
        try:
            parse(str(app.config[setting]))
        except ValueError as error:
            raise ConfigurationError(
                f"{setting}={app.config[setting]!r} is not a rate such as '10 per 15 minutes'"
            ) from error
    storage: Storage | None = None
    if app.config.get("RATELIMIT_ENABLED", True):
        uri = str(app.config["RATELIMIT_STORAGE_URI"])
        refuse_per_process_store(app, uri)
        try:
            found = storage_from_string(uri)
        except Exception as error:  # an unknown scheme, or its driver is not installed
            raise ConfigurationError(f"RATELIMIT_STORAGE_URI={uri!r}: {error}") from None
        if not isinstance(found, Storage):  # an async:// store
            raise ConfigurationError(f"RATELIMIT_STORAGE_URI={uri!r}: use a synchronous store")
        if app.config.get("SURVEY_CHECK_THROTTLE") and not _answers(found):
            raise ConfigurationError(
                f"cannot reach the throttle store RATELIMIT_STORAGE_URI={_describe(uri)}: "
                "check that Redis is running and the address is right"
            )
        storage = found
    app.extensions[EXTENSION_KEY] = storage


def refuse_per_process_store(app: Flask, uri: str) -> None:
    """Outside development and tests, a per-process store needs one process on one host."""
    if app.config["SURVEY_ENV"] in RELAXED_ENVIRONMENTS or not uri.startswith(PER_PROCESS_SCHEMES):
        return
    workers = app.config.get("SIP_WORKERS")
    if not app.config.get("SURVEY_SINGLE_PROCESS"):
        raise ConfigurationError(
            f"RATELIMIT_STORAGE_URI={uri} counts in each process alone, so every gunicorn "
            "worker and host would allow its own guesses: set RATELIMIT_STORAGE_URI=redis://… "
            "(README: Redis), or SURVEY_SINGLE_PROCESS=1 if one process on one host serves"
        )
    if workers is not None and int(workers) > 1:
        raise ConfigurationError(
            f"SURVEY_SINGLE_PROCESS=1 but SIP_WORKERS={workers}: with RATELIMIT_STORAGE_URI="
            f"{uri} each worker counts alone; use SIP_WORKERS=1 or a redis:// store"
        )


def _answers(storage: Storage) -> bool:
    try:
        return bool(storage.check())
    except Exception:  # a store that cannot even say no
        return False


def _describe(uri: str) -> str:
    """The store's address without a password."""
    scheme, _, rest = uri.partition("://")
    _credentials, at, host = rest.rpartition("@")
    return f"{scheme}://{'…@' if at else ''}{host}"


def throttle() -> MovingWindowRateLimiter | None:
    """The app's limiter, or None when throttling is turned off (RATELIMIT_ENABLED)."""
    storage: Storage | None = current_app.extensions.get(EXTENSION_KEY)
    return MovingWindowRateLimiter(storage) if storage is not None else None


def rate(setting: str) -> RateLimitItem:
    return parse(str(current_app.config[setting]))


def client_address() -> str:
    """The client as the throttles see it (behind nginx: from X-Forwarded-For, see headers)."""
    return request.remote_addr or "-"


# The family link. Guessing a 128-bit token is hopeless at any rate: this throttle protects the
# service, not the tokens. It only ever answers for links that turned out unknown, so a valid
# link opens whatever its address (a school, a housing area) or anyone else did before.


def _link_limits() -> tuple[tuple[RateLimitItem, tuple[str, ...]], ...]:
    return (
        (rate("LINK_FAILURE_LIMIT"), ("link-unknown", client_address())),
        (rate("LINK_FAILURE_GLOBAL_LIMIT"), ("link-unknown-all",)),
    )


def unknown_link_refused() -> bool:
    """True when unknown links from this address, or from everyone, are over their limit.

    Ask only after the look-up found nothing. If the store cannot be reached, unknown links get
    the ordinary "not valid" page: refusing them would protect nothing.
    """
    counter = throttle()
    if counter is None:
        return False
    try:
        return not all(counter.test(item, *key) for item, key in _link_limits())
    except Exception:
        current_app.logger.exception("throttle store unreachable: unknown links not counted")
        return False


def count_unknown_link() -> None:
    """Count one unknown link against this address and against everyone."""
    counter = throttle()
    if counter is None:
        return
    try:
        for item, key in _link_limits():
            counter.hit(item, *key)
    except Exception:
        current_app.logger.exception("throttle store unreachable: unknown links not counted")


def reset(app: Flask) -> None:
    """Forget every count (tests)."""
    storage: Storage | None = app.extensions.get(EXTENSION_KEY)
    if storage is not None:
        storage.reset()
