"""SMS settings: parsed and checked once at start, so a typo stops the service, not a send.

Environment variables SMS_*, ELKS_* and TWILIO_* arrive in app.config as strings; tests may
pass typed values. Everything is read through `sms_settings(app)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from flask import Flask, current_app

from survey_app.config import RELAXED_ENVIRONMENTS, ConfigurationError

GATEWAYS = ("console", "46elks", "twilio")
#: An alphanumeric sender: 3–11 letters or digits, starting with a letter (46elks, Twilio).
ALPHANUMERIC_SENDER = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,10}$")
E164_SENDER = re.compile(r"^\+[1-9][0-9]{6,14}$")
EXTENSION_KEY = "sms_settings"


@dataclass(frozen=True)
class SmsSettings:
    gateway: str
    sender: str
    rate_per_second: float
    max_attempts: int
    timeout_seconds: float
    retry_base_seconds: float
    retry_max_seconds: float
    #: A message still `sending` this long after its claim is treated as uncertain.
    sending_stale_seconds: float
    elks_api_url: str
    elks_user: str
    elks_password: str
    #: Secret path segment of the inbound-SMS webhook (46elks does not sign its requests).
    elks_inbound_secret: str
    twilio_api_url: str
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_messaging_service_sid: str

    @property
    def sender_is_number(self) -> bool:
        return bool(E164_SENDER.match(self.sender))


def _text(config: Any, name: str, default: str = "") -> str:
    value = config.get(name)
    return default if value is None or value == "" else str(value).strip()


def _number(config: Any, name: str, default: float, minimum: float) -> float:
    raw = config.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError) as error:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from error
    if value < minimum:
        raise ConfigurationError(f"{name}={raw!r} must be at least {minimum:g}")
    return value


def _check_sender(sender: str) -> None:
    if ALPHANUMERIC_SENDER.match(sender) or E164_SENDER.match(sender):
        return
    raise ConfigurationError(
        f"SMS_SENDER={sender!r} is not a valid sender: use 3–11 letters or digits starting "
        "with a letter (e.g. RegionVbtn), or a phone number in international form (+46…)"
    )


def _check_gateway(settings: SmsSettings, environment: str) -> None:
    if settings.gateway not in GATEWAYS:
        raise ConfigurationError(
            f"SMS_GATEWAY={settings.gateway!r} is unknown: use one of {', '.join(GATEWAYS)}"
        )
    if settings.gateway == "console" and environment not in RELAXED_ENVIRONMENTS:
        raise ConfigurationError(
            "No SMS gateway is configured: set SMS_GATEWAY=46elks or SMS_GATEWAY=twilio with "
            "its credentials (the console gateway is for development only)"
        )
    required: dict[str, str] = {}
    if settings.gateway == "46elks":
        required = {
            "ELKS_API_USER": settings.elks_user,
            "ELKS_API_PASSWORD": settings.elks_password,
        }
    elif settings.gateway == "twilio":
        required = {
            "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
            "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        }
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise ConfigurationError(
            f"SMS_GATEWAY={settings.gateway} needs {' and '.join(missing)} to be set"
        )
    if settings.gateway != "console" or settings.sender:
        if settings.gateway == "twilio" and settings.twilio_messaging_service_sid:
            return
        _check_sender(settings.sender)


def parse_sms_settings(config: Any) -> SmsSettings:
    """Read and validate the SMS settings from a Flask config mapping."""
    environment = str(config.get("SURVEY_ENV", "production"))
    default_gateway = "console" if environment in RELAXED_ENVIRONMENTS else ""
    gateway = _text(config, "SMS_GATEWAY", default_gateway).lower()
    settings = SmsSettings(
        gateway=gateway,
        sender=_text(config, "SMS_SENDER", "RegionVbtn" if gateway == "console" else ""),
        rate_per_second=_number(config, "SMS_RATE_PER_SECOND", 5.0, 0.01),
        max_attempts=int(_number(config, "SMS_MAX_ATTEMPTS", 5, 1)),
        timeout_seconds=_number(config, "SMS_TIMEOUT_SECONDS", 10.0, 0.01),
        retry_base_seconds=_number(config, "SMS_RETRY_BASE_SECONDS", 60.0, 0),
        retry_max_seconds=_number(config, "SMS_RETRY_MAX_SECONDS", 3600.0, 0),
        sending_stale_seconds=_number(config, "SMS_SENDING_STALE_SECONDS", 600.0, 1),
        elks_api_url=_text(config, "ELKS_API_URL", "https://api.46elks.com/a1").rstrip("/"),
        elks_user=_text(config, "ELKS_API_USER"),
        elks_password=_text(config, "ELKS_API_PASSWORD"),
        elks_inbound_secret=_text(config, "ELKS_INBOUND_SECRET"),
        twilio_api_url=_text(config, "TWILIO_API_URL", "https://api.twilio.com").rstrip("/"),
        twilio_account_sid=_text(config, "TWILIO_ACCOUNT_SID"),
        twilio_auth_token=_text(config, "TWILIO_AUTH_TOKEN"),
        twilio_messaging_service_sid=_text(config, "TWILIO_MESSAGING_SERVICE_SID"),
    )
    if not gateway:
        raise ConfigurationError(
            "SMS_GATEWAY is not set: set SMS_GATEWAY=46elks or SMS_GATEWAY=twilio with its "
            "credentials and SMS_SENDER"
        )
    _check_gateway(settings, environment)
    return settings


def init_sms_settings(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = parse_sms_settings(app.config)


def sms_settings(app: Flask | None = None) -> SmsSettings:
    application = app or current_app
    settings = application.extensions.get(EXTENSION_KEY)
    if settings is None:  # an app built without init_messaging (should not happen)
        settings = parse_sms_settings(application.config)
        application.extensions[EXTENSION_KEY] = settings
    return cast(SmsSettings, settings)
