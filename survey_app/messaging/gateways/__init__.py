"""SMS gateways, chosen by SMS_GATEWAY: console (development), 46elks, Twilio."""

from __future__ import annotations

from flask import Flask, current_app

from survey_app.messaging.gateways.base import (
    Accepted,
    Gateway,
    GatewayFailure,
    OutgoingSms,
    PermanentFailure,
    TemporaryFailure,
)
from survey_app.messaging.gateways.console import ConsoleGateway
from survey_app.messaging.settings import sms_settings

__all__ = [
    "Accepted",
    "ConsoleGateway",
    "Gateway",
    "GatewayFailure",
    "OutgoingSms",
    "PermanentFailure",
    "TemporaryFailure",
    "gateway_for",
]


def gateway_for(app: Flask | None = None) -> Gateway:
    """The configured gateway (a new one: it holds an HTTP connection pool; close it)."""
    # The HTTP gateways load here, not with this package: see gateways/http.py.
    from survey_app.messaging.gateways.elks import ElksGateway
    from survey_app.messaging.gateways.twilio import TwilioGateway

    application = app or current_app
    settings = sms_settings(application)
    base_url = str(application.config["SURVEY_BASE_URL"])
    if settings.gateway == "46elks":
        return ElksGateway(
            api_url=settings.elks_api_url,
            user=settings.elks_user,
            password=settings.elks_password,
            sender=settings.sender,
            base_url=base_url,
            timeout=settings.timeout_seconds,
        )
    if settings.gateway == "twilio":
        return TwilioGateway(
            api_url=settings.twilio_api_url,
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            sender=settings.sender,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            base_url=base_url,
            timeout=settings.timeout_seconds,
        )
    return ConsoleGateway()
