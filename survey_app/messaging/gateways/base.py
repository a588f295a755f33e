"""What every gateway promises: send one SMS, or say whether a failure may heal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

#: Digit runs long enough to be a phone number: cut out of provider error texts before storing.
_PHONE_LIKE = re.compile(r"\+?\d[\d\s\-]{5,}\d")
#: Personal link tokens inside a provider's echo of the message.
_LINK_TOKEN = re.compile(r"/s/[A-Za-z0-9_\-]{8,}")


def clean_reason(text: str, limit: int = 300) -> str:
    """A provider's error text fit to store and log: no numbers, no links, not too long."""
    text = _LINK_TOKEN.sub("/s/…", _PHONE_LIKE.sub("…", text))
    return " ".join(text.split())[:limit]


@dataclass(frozen=True)
class OutgoingSms:
    to: str
    body: str
    #: The per-message secret a delivery report carries back (46elks puts it in the URL).
    callback_secret: str
    #: The outbox row id, for gateways that put it in their callback URL.
    message_id: int


@dataclass(frozen=True)
class Accepted:
    """The provider took the message."""

    provider_id: str | None
    status: str
    #: The gateway already knows the message arrived (console).
    delivered: bool = False
    #: Set when the provider's answer could not be read although it said yes.
    note: str | None = None


class GatewayFailure(Exception):
    """Sending failed; `reason` is safe to store and log (no numbers, no links)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(GatewayFailure):
    """Worth trying again later (network, time-out, 429, 5xx)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentFailure(GatewayFailure):
    """Will not heal by waiting (400, 401, 403, 404, a refused number)."""


class Gateway(Protocol):
    name: str

    def send(self, sms: OutgoingSms) -> Accepted: ...

    def close(self) -> None: ...


#: 4xx answers that may heal by waiting; every other 4xx is permanent.
TEMPORARY_CLIENT_ERRORS = frozenset({408, 409, 425, 429})


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (the delay form; an HTTP date is rare from SMS providers)."""
    if not value:
        return None
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
        return max((moment - datetime.now(UTC)).total_seconds(), 0.0)
    except (TypeError, ValueError):  # unreadable, or a date without a zone
        return None


def failure_for_status(status: int, reason: str, retry_after: str | None) -> GatewayFailure:
    """Classify a non-2xx answer."""
    if status >= 500 or status in TEMPORARY_CLIENT_ERRORS:
        return TemporaryFailure(f"HTTP {status}: {reason}", retry_after_seconds(retry_after))
    return PermanentFailure(f"HTTP {status}: {reason}")
