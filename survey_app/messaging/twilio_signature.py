"""Twilio's request signature (X-Twilio-Signature) on the status callbacks it POSTs.

base64(HMAC-SHA1(auth token, full URL + each POST parameter name and value, sorted by name)).
Apart from the gateway (survey_app.messaging.gateways.twilio): the webhook that checks it runs
in every web worker, which never sends and so never loads the HTTP client.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The X-Twilio-Signature Twilio computes for a POST of `params` to `url`."""
    payload = url + "".join(f"{name}{value}" for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_is_valid(
    auth_token: str, url: str, params: Iterable[tuple[str, str]], signature: str | None
) -> bool:
    if not signature or not auth_token:
        return False
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode(), signature.encode())
