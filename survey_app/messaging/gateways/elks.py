"""46elks: POST {ELKS_API_URL}/sms with HTTP Basic auth; delivery reports to `whendelivered`.

Documented request: form fields `from`, `to`, `message`, `whendelivered`. Answer: JSON with
`id`, `status` ("created"), `parts`, … Errors come as a non-2xx status with a short plain-text
reason. Delivery reports are form POSTs to `whendelivered` with `id`, `status`
(sent/delivered/failed) and `delivered` (a timestamp); 46elks does not sign them, so the URL
carries a per-message secret (only its hash is stored).
"""

from __future__ import annotations

import httpx

from survey_app.messaging.gateways.base import Accepted, OutgoingSms
from survey_app.messaging.gateways.http import HttpGateway


class ElksGateway(HttpGateway):
    name = label = "46elks"
    id_field = "id"
    default_status = "created"
    refused_statuses = frozenset({"failed"})

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
        return self.post(
            "/sms",
            {
                "from": self.sender,
                "to": sms.to,
                "message": sms.body,
                "whendelivered": self.delivery_report_url(sms.callback_secret),
            },
        )
