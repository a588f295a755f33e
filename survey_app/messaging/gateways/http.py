"""The providers' HTTP APIs, over httpx.

Apart from base.py: the web workers queue messages (base.py's types) but never send, and so
never load the HTTP client; the sending command does.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from survey_app.messaging.gateways.base import (
    Accepted,
    PermanentFailure,
    TemporaryFailure,
    clean_reason,
    failure_for_status,
)


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
