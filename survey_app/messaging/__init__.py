"""SMS: texts, segment counting, the outbox, gateways and delivery webhooks."""

from __future__ import annotations

from flask import Flask

from survey_app.messaging.settings import init_sms_settings
from survey_app.messaging.texts import init_sms_texts


def init_messaging(app: Flask) -> None:
    """Check the SMS settings and texts at start: a bad setting stops the service here."""
    init_sms_settings(app)
    init_sms_texts(app)
