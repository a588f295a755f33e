"""46elks against a fake 46elks on 127.0.0.1: requests, failures and delivery reports."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from survey_app.domain.links import invitation_for_token
from survey_app.extensions import db
from survey_app.messaging.gateways import gateway_for
from survey_app.messaging.outbox import SendSummary, send_due
from survey_app.models import Invitation, MessageKind, MessageState

from .conftest import ELKS_PASSWORD, ELKS_USER, elks_settings, messages_of
from .providers import Fake46elks, Reply

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOON = datetime.combine(
    datetime.now(STOCKHOLM).date() + timedelta(days=1), time(12), tzinfo=STOCKHOLM
).astimezone(UTC)


@pytest.fixture
def elks_app(app_with: Callable[..., Flask], elks: Fake46elks) -> Flask:
    return app_with(**elks_settings(elks, SMS_MAX_ATTEMPTS="3"))


def send(now: datetime = NOON) -> SendSummary:
    gateway = gateway_for()
    try:
        return send_due(gateway, now=now)
    finally:
        gateway.close()


def test_sends_the_documented_request(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    invitation = queued()
    summary = send()
    assert summary.sent == 1
    [request] = elks.received
    assert request.path == "/a1/sms"
    assert request.basic_auth() == (ELKS_USER, ELKS_PASSWORD)
    assert request.form["from"] == "RegionVbtn"
    assert request.form["to"] == "+46701740605"
    (token,) = re.findall(r"https://enkat\.example\.se/s/([\w-]{22}) ", request.form["message"])
    assert invitation_for_token(token) == invitation.id
    callback = urlsplit(request.form["whendelivered"])
    assert (callback.scheme, callback.netloc) == ("https", "enkat.example.se")
    assert callback.path.startswith("/hooks/46elks/")
    secret = callback.path.rsplit("/", 1)[1]
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.SENT
    assert invite.provider_id is not None
    assert invite.provider_id.startswith("s")
    assert invite.callback_secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([invite.provider_id, invite.last_error])


def test_wrong_credentials_fail_for_good_with_the_reason(
    app_with: Callable[..., Flask], elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    app_with(**elks_settings(elks, ELKS_API_PASSWORD="wrong"))
    invitation = queued()
    summary = send()
    assert summary.failed == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.FAILED
    assert invite.last_error == "HTTP 401: Unauthorized"


def test_a_refused_number_fails_for_good(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    elks.script.append(Reply(400, "Invalid to number +46701740605", content_type="text/plain"))
    invitation = queued()
    send()
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.FAILED
    assert invite.last_error is not None
    assert invite.last_error.startswith("HTTP 400: Invalid to number")
    assert "701740605" not in invite.last_error  # provider texts are stored without numbers


def test_429_is_retried_after_retry_after(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    elks.script.append(
        Reply(429, "Too many requests", {"Retry-After": "900"}, content_type="text/plain")
    )
    invitation = queued()
    summary = send()
    assert summary.retry_later == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.QUEUED
    assert invite.next_attempt_at == NOON + timedelta(seconds=900)
    assert send(NOON + timedelta(seconds=899)).sent == 0
    assert send(NOON + timedelta(seconds=900)).sent == 1
    assert messages_of(invitation, MessageKind.INVITE)[0].attempts == 2
    assert len(elks.received) == 2


def test_server_errors_back_off_exponentially_then_fail(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    for _ in range(3):
        elks.script.append(Reply(503, "Service unavailable", content_type="text/plain"))
    invitation = queued()
    moment = NOON
    delays = []
    for _ in range(2):
        send(moment)
        invite = messages_of(invitation, MessageKind.INVITE)[0]
        assert invite.state == MessageState.QUEUED
        delays.append(invite.next_attempt_at - moment)
        moment = invite.next_attempt_at
    assert delays == [timedelta(seconds=60), timedelta(seconds=120)]
    summary = send(moment)
    assert summary.failed == 1  # SMS_MAX_ATTEMPTS=3
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.FAILED
    assert invite.attempts == 3
    assert invite.last_error == "HTTP 503: Service unavailable"


def test_a_provider_that_does_not_answer_in_time_is_retried(
    app_with: Callable[..., Flask], elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    app_with(**elks_settings(elks, SMS_TIMEOUT_SECONDS="0.2"))
    elks.script.append(Reply(200, "{}", delay=1.0))
    invitation = queued()
    summary = send()
    assert summary.retry_later == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.QUEUED
    assert invite.last_error is not None
    assert "timed out" in invite.last_error


def test_an_unreachable_provider_is_retried(
    app_with: Callable[..., Flask], elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    url = elks.url
    elks.stop()
    app_with(**elks_settings(elks, ELKS_API_URL=f"{url}/a1"))
    invitation = queued()
    assert send().retry_later == 1
    last_error = messages_of(invitation, MessageKind.INVITE)[0].last_error
    assert last_error is not None
    assert "unreachable" in last_error
    elks.server.server_close()


def test_malformed_json_after_200_counts_as_sent_and_is_not_resent(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    elks.script.append(Reply(200, "{not json"))
    invitation = queued()
    assert send().sent == 1
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.SENT
    assert invite.provider_id is None
    assert invite.last_error == "unreadable answer from 46elks"
    assert send(NOON + timedelta(hours=1)).sent == 0
    assert len(elks.received) == 1


def _report_path(elks: Fake46elks) -> str:
    return urlsplit(elks.received[-1].form["whendelivered"]).path


def test_delivery_report_marks_delivered_once(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    invitation = queued()
    send()
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    client = elks_app.test_client()
    report = {"id": invite.provider_id, "status": "delivered", "delivered": "2026-11-24T11:00:01"}
    response = client.post(_report_path(elks), data=report)
    assert response.status_code == 200
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.DELIVERED
    db.session.refresh(invitation)
    delivered_at = invitation.delivered_at
    assert delivered_at is not None
    duplicate = client.post(_report_path(elks), data=report)
    assert duplicate.status_code == 200
    late_sent = client.post(_report_path(elks), data={**report, "status": "sent"})
    assert late_sent.status_code == 200
    assert messages_of(invitation, MessageKind.INVITE)[0].state == MessageState.DELIVERED
    db.session.refresh(invitation)
    assert invitation.delivered_at == delivered_at


def test_failed_delivery_report(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    invitation = queued()
    send()
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    response = elks_app.test_client().post(
        _report_path(elks), data={"id": invite.provider_id, "status": "failed"}
    )
    assert response.status_code == 200
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.FAILED
    assert invite.last_error == "provider reported failed"


def test_a_forged_report_is_refused(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    invitation = queued()
    send()
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    response = elks_app.test_client().post(
        "/hooks/46elks/guessed-secret", data={"id": invite.provider_id, "status": "delivered"}
    )
    assert response.status_code == 403
    assert "forbidden" in response.get_data(as_text=True)
    assert messages_of(invitation, MessageKind.INVITE)[0].state == MessageState.SENT


def test_a_report_for_an_unknown_id_is_a_harmless_no_op(elks_app: Flask) -> None:
    response = elks_app.test_client().post(
        "/hooks/46elks/some-secret", data={"id": "s0000", "status": "delivered"}
    )
    assert response.status_code == 200


def test_a_report_for_a_message_left_in_sending_is_matched_by_its_secret(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    """The worker died after 46elks took the message: the report still tells us it arrived."""
    invitation = queued()
    send()
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    provider_id = invite.provider_id
    invite.state, invite.provider_id, invite.sent_at = MessageState.SENDING, None, None
    db.session.commit()
    response = elks_app.test_client().post(
        _report_path(elks), data={"id": provider_id, "status": "delivered"}
    )
    assert response.status_code == 200
    invite = messages_of(invitation, MessageKind.INVITE)[0]
    assert invite.state == MessageState.DELIVERED
    assert invite.provider_id == provider_id


def test_several_workers_never_send_the_same_message_twice(
    elks_app: Flask, elks: Fake46elks, queued: Callable[..., Invitation]
) -> None:
    import threading

    phones = [f"+467017406{n:02d}" for n in range(10, 30)]
    for phone in phones:
        queued(phone=phone)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with elks_app.app_context():
                send()
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    recipients = [request.form["to"] for request in elks.received]
    assert sorted(recipients) == sorted(phones)
