"""46elks: POST {ELKS_API_URL}/sms with HTTP Basic auth; delivery reports to `whendelivered`.

Documented request: form fields `from`, `to`, `message`, `whendelivered`. Answer: JSON with
`id`, `status` ("created"), `parts`, … Errors come as a non-2xx status with a short plain-text
reason. Delivery reports are form POSTs to `whendelivered` with `id`, `status`
(sent/delivered/failed) and `delivered` (a timestamp); 46elks does not sign them, so the URL
carries a per-message secret (only its hash is stored).
"""

from __future__ import annotations

import json

import httpx

from survey_app.messaging.gateways.base import (
    Accepted,
    OutgoingSms,
    PermanentFailure,
    TemporaryFailure,
    clean_reason,
    failure_for_status,
)


class ElksGateway:
    name = "46elks"

    def __init__(
        self,
        *,
        api_url: str,
        user: str,
        password: str,
        sender: str,
        base_url: str,
        timeout: float,
    ) -> None:
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.client = httpx.Client(
            base_url=api_url.rstrip("/"), auth=(user, password), timeout=timeout
        )

    def delivery_report_url(self, secret: str) -> str:
        return f"{self.base_url}/hooks/46elks/{secret}"

    def send(self, sms: OutgoingSms) -> Accepted:
        form = {
            "from": self.sender,
            "to": sms.to,
            "message": sms.body,
            "whendelivered": self.delivery_report_url(sms.callback_secret),
        }
        try:
            answer = self.client.post("/sms", data=form)
        except httpx.TimeoutException as error:
            raise TemporaryFailure(f"46elks timed out ({type(error).__name__})") from error
        except httpx.TransportError as error:
            raise TemporaryFailure(f"46elks unreachable ({type(error).__name__})") from error
        if not answer.is_success:
            raise failure_for_status(
                answer.status_code, clean_reason(answer.text), answer.headers.get("Retry-After")
            )
        try:
            data = answer.json()
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            # 2xx means 46elks took the message: sending it again could reach the family twice.
            return Accepted(provider_id=None, status="created", note="unreadable 46elks answer")
        status = str(data.get("status", "created"))
        if status == "failed":
            raise PermanentFailure("46elks refused the message (status failed)")
        return Accepted(provider_id=data["id"], status=status)

    def close(self) -> None:
        self.client.close()
