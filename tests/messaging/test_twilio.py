"""Twilio against a fake Twilio on 127.0.0.1; status callbacks signed as Twilio signs them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from survey_app.domain.links import invitation_for_token
from survey_app.extensions import db
from survey_app.messaging.gateways import gateway_for
from survey_app.messaging.outbox import SendSummary, send_due
from survey_app.messaging.twilio_signature import signature_is_valid, twilio_signature
from survey_app.models import Invitation, MessageKind, MessageState

from .conftest import TWILIO_SID, TWILIO_TOKEN, messages_of, twilio_settings
from .providers import FakeTwilio, Reply

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOON = datetime.combine(
    datetime.now(STOCKHOLM).date() + timedelta(days=1), time(12), tzinfo=STOCKHOLM
).astimezone(UTC)
STATUS_URL = "https://enkat.example.se/hooks/twilio/status"


def send(now: datetime = NOON) -> SendSummary:
    gateway = gateway_for()
    try:
        return send_due(gateway, now=now)
    finally:
        gateway.close()


def signed(url: str, form: dict[str, str], token: str = TWILIO_TOKEN) -> dict[str, str]:
    """The header Twilio would send, computed here from the documented recipe."""
    payload = url + "".join(key + form[key] for key in sorted(form))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return {"X-Twilio-Signature": base64.b64encode(digest).decode()}


@pytest.fixture
def twilio_app(app_with: Callable[..., Flask], twilio: FakeTwilio) -> Flask:
    return app_with(**twilio_settings(twilio))


def test_signature_matches_twilios_published_example() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert signature_is_valid("12345", url, params.items(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    tampered = {**params, "Digits": "9999"}
    assert not signature_is_valid("12345", url, tampered.items(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert not signature_is_valid("12345", url, params.items(), None)


def test_sends_the_documented_request(
    twilio_app: Flask, twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    invitation = queued()
    assert send().sent == 1
    [request] = twilio.received
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert request.basic_auth() == (TWILIO_SID, TWILIO_TOKEN)
    assert request.form["To"] == "+46701740605"
    assert request.form["From"] == "+46766861004"
    assert "MessagingServiceSid" not in request.form
    assert request.form["StatusCallback"] == STATUS_URL
    (token,) = re.findall(r"/s/([\w-]{22}) ", request.form["Body"])
    assert invitation_for_token(token) == invitation.id
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.SENT
    assert invite.provider_id is not None
    assert invite.provider_id.startswith("SM")


def test_a_messaging_service_replaces_from(
    app_with: Callable[..., Flask], twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    app_with(**twilio_settings(twilio, TWILIO_MESSAGING_SERVICE_SID="MG0123", SMS_SENDER=""))
    queued()
    assert send().sent == 1
    form = twilio.received[0].form
    assert form["MessagingServiceSid"] == "MG0123"
    assert "From" not in form


def test_an_error_json_fails_with_twilios_code(
    app_with: Callable[..., Flask], twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    twilio.script.append(twilio.error(400, 21211, "The 'To' number +4670 is not valid."))
    app_with(**twilio_settings(twilio))
    invitation = queued()
    assert send().failed == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.FAILED
    assert invite.last_error is not None
    assert invite.last_error.startswith("HTTP 400: Twilio 21211: The 'To' number")


def test_wrong_token_is_401_and_final(
    app_with: Callable[..., Flask], twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    app_with(**twilio_settings(twilio, TWILIO_AUTH_TOKEN="wrong"))
    invitation = queued()
    assert send().failed == 1
    assert messages_of(invitation, MessageKind.INVITE)[0].last_error == (
        "HTTP 401: Twilio 20003: Authenticate"
    )


def test_429_waits_for_retry_after(
    twilio_app: Flask, twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    busy = twilio.error(429, 20429, "Too Many Requests")
    busy.headers["Retry-After"] = "30"
    twilio.script.append(busy)
    invitation = queued()
    assert send().retry_later == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    # the back-off (60 s for a first failure) is longer than Retry-After: the longer one wins
    assert invite.next_attempt_at == NOON + timedelta(seconds=60)


def _sent(queued: Callable[..., Invitation]) -> tuple[Invitation, str]:
    invitation = queued()
    send()
    provider_id = messages_of(invitation, MessageKind.INVITE)[0].provider_id
    assert provider_id is not None
    return invitation, provider_id


def test_status_callback_with_a_valid_signature(
    twilio_app: Flask, twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    invitation, sid = _sent(queued)
    client = twilio_app.test_client()
    form = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": TWILIO_SID}
    response = client.post("/hooks/twilio/status", data=form, headers=signed(STATUS_URL, form))
    assert response.status_code == 200
    assert messages_of(invitation, MessageKind.INVITE)[0].state == MessageState.DELIVERED
    db.session.refresh(invitation)
    first = invitation.delivered_at
    again = client.post("/hooks/twilio/status", data=form, headers=signed(STATUS_URL, form))
    assert again.status_code == 200
    db.session.refresh(invitation)
    assert invitation.delivered_at == first


def test_undelivered_status_marks_the_message_failed(
    twilio_app: Flask, twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    invitation, sid = _sent(queued)
    form = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    response = twilio_app.test_client().post(
        "/hooks/twilio/status", data=form, headers=signed(STATUS_URL, form)
    )
    assert response.status_code == 200
    assert messages_of(invitation, MessageKind.INVITE)[0].state == MessageState.FAILED


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Twilio-Signature": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
        "wrong-token",
        "wrong-url",
    ],
)
def test_a_forged_status_callback_is_refused(
    twilio_app: Flask,
    twilio: FakeTwilio,
    queued: Callable[..., Invitation],
    headers: dict[str, str] | str,
) -> None:
    invitation, sid = _sent(queued)
    form = {"MessageSid": sid, "MessageStatus": "delivered"}
    if headers == "wrong-token":
        headers = signed(STATUS_URL, form, token="not-the-token")
    elif headers == "wrong-url":
        headers = signed("https://elsewhere.example/hooks/twilio/status", form)
    response = twilio_app.test_client().post("/hooks/twilio/status", data=form, headers=headers)
    assert response.status_code == 403
    assert messages_of(invitation, MessageKind.INVITE)[0].state == MessageState.SENT


def test_a_status_for_an_unknown_sid_is_a_no_op(twilio_app: Flask) -> None:
    form = {"MessageSid": "SMunknown", "MessageStatus": "delivered"}
    response = twilio_app.test_client().post(
        "/hooks/twilio/status", data=form, headers=signed(STATUS_URL, form)
    )
    assert response.status_code == 200


def test_server_error_time_out_and_malformed_answers(
    app_with: Callable[..., Flask], twilio: FakeTwilio, queued: Callable[..., Invitation]
) -> None:
    app_with(**twilio_settings(twilio, SMS_TIMEOUT_SECONDS="0.2"))
    twilio.script.extend(
        [
            twilio.error(500, 20500, "Internal Server Error"),
            Reply(201, '{"sid": "SMslow", "status": "queued"}', delay=1.0),
            Reply(201, "<html>not json</html>", content_type="text/html"),
        ]
    )
    invitation = queued()
    assert send().retry_later == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.last_error == "HTTP 500: Twilio 20500: Internal Server Error"
    later = invite.next_attempt_at
    assert send(later).retry_later == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.last_error is not None
    assert "timed out" in invite.last_error
    assert send(invite.next_attempt_at).sent == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.SENT
    assert invite.attempts == 3
    assert invite.last_error == "unreadable answer from Twilio"
