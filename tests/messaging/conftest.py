"""Messaging fixtures: fake providers on loopback, apps wired to them, queued invitations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from survey_app.extensions import db as _db
from survey_app.messaging.outbox import queue_messages
from survey_app.models import Invitation, MessageKind, OutboxMessage

from .providers import Fake46elks, FakeTwilio

ELKS_USER = "u1234abcd"
ELKS_PASSWORD = "elks-password-for-tests"
TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "twilio-auth-token-for-tests"


@pytest.fixture
def elks() -> Iterator[Fake46elks]:
    server = Fake46elks(ELKS_USER, ELKS_PASSWORD).start()
    yield server
    server.stop()


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio(TWILIO_SID, TWILIO_TOKEN).start()
    yield server
    server.stop()


def elks_settings(server: Fake46elks, **extra: Any) -> dict[str, Any]:
    return {
        "SMS_GATEWAY": "46elks",
        "ELKS_API_URL": f"{server.url}/a1",
        "ELKS_API_USER": ELKS_USER,
        "ELKS_API_PASSWORD": ELKS_PASSWORD,
        "ELKS_INBOUND_SECRET": "inbound-secret-for-tests",
        "SMS_SENDER": "RegionVbtn",
        "SMS_RATE_PER_SECOND": "1000",
        "SMS_TIMEOUT_SECONDS": "2",
        **extra,
    }


def twilio_settings(server: FakeTwilio, **extra: Any) -> dict[str, Any]:
    return {
        "SMS_GATEWAY": "twilio",
        "TWILIO_API_URL": server.url,
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "SMS_SENDER": "+46766861004",
        "SMS_RATE_PER_SECOND": "1000",
        "SMS_TIMEOUT_SECONDS": "2",
        **extra,
    }


@pytest.fixture
def app_with(app: Flask, app_factory: Callable[..., Flask]) -> Iterator[Callable[..., Flask]]:
    """Build an app with SMS settings and push its context over the default app's.

    Depends on `app` so that its context is popped after these (teardown runs in reverse).
    """
    contexts = []

    def build(**settings: Any) -> Flask:
        application = app_factory(**settings)
        context = application.app_context()
        context.push()
        contexts.append(context)
        return application

    yield build
    for context in reversed(contexts):
        _db.session.remove()
        context.pop()


@pytest.fixture
def queued(make_invitation: Callable[..., Invitation]) -> Callable[..., Invitation]:
    """An invitation with its invitation SMS and reminders in the outbox (as registering does)."""

    def make(**fields: Any) -> Invitation:
        invitation = make_invitation(**fields)
        token = invitation.token
        queue_messages(invitation, campaign=invitation.meeting.campaign)
        _db.session.commit()
        invitation.token = token
        return invitation

    return make


def messages_of(invitation: Invitation, kind: MessageKind | None = None) -> list[OutboxMessage]:
    _db.session.expire_all()
    found = [
        message
        for message in _db.session.query(OutboxMessage).filter_by(invitation_id=invitation.id)
        if kind is None or message.kind == kind
    ]
    return sorted(found, key=lambda message: (message.kind.value, message.sequence))
