"""What every gateway promises: send one SMS, or say whether a failure may heal."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

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


class HttpGateway:
    """What the providers' HTTP APIs share: post a form, then read the answer the same way.

    A gateway says where it posts, which field of its JSON answer names the message, and which
    statuses mean the provider refused it; errors are classified once, here: network trouble
    and 5xx/429 may heal, other 4xx and refusals will not, and a 2xx the service cannot read
    is still a sent message (sending again could reach the family twice).
    """

    name: str
    #: How the provider is named in a stored reason ("Twilio timed out").
    label: str
    #: The JSON field of a 2xx answer that carries the provider's message id.
    id_field: str
    #: The status to assume when a 2xx answer does not say.
    default_status: str
    #: Statuses in a 2xx answer that mean the message will not go.
    refused_statuses: frozenset[str]
    client: httpx.Client

    def post(self, path: str, form: dict[str, str]) -> Accepted:
        try:
            answer = self.client.post(path, data=form)
        except httpx.TimeoutException as error:
            raise TemporaryFailure(f"{self.label} timed out ({type(error).__name__})") from error
        except httpx.TransportError as error:
            raise TemporaryFailure(f"{self.label} unreachable ({type(error).__name__})") from error
        return self.interpret(answer)

    def error_reason(self, answer: httpx.Response) -> str:
        """What a non-2xx answer says, fit to store (a provider may say it better, see Twilio)."""
        return clean_reason(answer.text)

    def interpret(self, answer: httpx.Response) -> Accepted:
        if not answer.is_success:
            raise failure_for_status(
                answer.status_code, self.error_reason(answer), answer.headers.get("Retry-After")
            )
        data = _json_object(answer)
        if data is None or not isinstance(data.get(self.id_field), str):
            return Accepted(
                provider_id=None,
                status=self.default_status,
                note=f"unreadable answer from {self.label}",
            )
        status = str(data.get("status", self.default_status))
        if status in self.refused_statuses:
            raise PermanentFailure(f"{self.label} refused the message (status {status})")
        return Accepted(provider_id=data[self.id_field], status=status)

    def close(self) -> None:
        self.client.close()


def _json_object(answer: httpx.Response) -> dict[str, Any] | None:
    try:
        data = answer.json()
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None
