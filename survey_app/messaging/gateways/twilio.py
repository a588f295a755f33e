"""Twilio: POST {TWILIO_API_URL}/2010-04-01/Accounts/{SID}/Messages.json, Basic auth SID/token.

Documented request: form fields `To`, `From` (or `MessagingServiceSid`), `Body`,
`StatusCallback`. Answer: JSON with `sid` and `status`; errors: JSON `{code, message, status}`.
Status callbacks are form POSTs (`MessageSid`, `MessageStatus`) signed in `X-Twilio-Signature`:
base64(HMAC-SHA1(auth token, full URL + each POST parameter name and value, sorted by name)).
"""

from __future__ import annotations

import json

import httpx

from survey_app.messaging.gateways.base import Accepted, OutgoingSms, clean_reason
from survey_app.messaging.gateways.http import HttpGateway

STATUS_CALLBACK_PATH = "/hooks/twilio/status"


class TwilioGateway(HttpGateway):
    name = "twilio"
    label = "Twilio"
    id_field = "sid"
    default_status = "queued"
    refused_statuses = frozenset({"failed", "undelivered"})

    def __init__(
        self,
        *,
        api_url: str,
        account_sid: str,
        auth_token: str,
        sender: str,
        messaging_service_sid: str,
        base_url: str,
        timeout: float,
    ) -> None:
        self.sender = sender
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = f"{base_url.rstrip('/')}{STATUS_CALLBACK_PATH}"
        self.path = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.client = httpx.Client(
            base_url=api_url.rstrip("/"), auth=(account_sid, auth_token), timeout=timeout
        )

    def error_reason(self, answer: httpx.Response) -> str:
        """Twilio's errors are JSON: {code, message, status}."""
        try:
            data = answer.json()
        except json.JSONDecodeError:
            return clean_reason(answer.text)
        if isinstance(data, dict) and "message" in data:
            return clean_reason(f"Twilio {data.get('code', '?')}: {data['message']}")
        return clean_reason(answer.text)

    def send(self, sms: OutgoingSms) -> Accepted:
        form = {"To": sms.to, "Body": sms.body, "StatusCallback": self.status_callback}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.sender
        return self.post(self.path, form)
