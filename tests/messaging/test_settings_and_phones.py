"""SMS settings refuse bad values at start; phone numbers are normalised or explained."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from survey_app.config import ConfigurationError
from survey_app.messaging.phones import PhoneNumberProblem, masked, normalise_phone
from survey_app.messaging.settings import parse_sms_settings

PRODUCTION = {"SURVEY_ENV": "production", "SECRET_KEY": "x" * 40}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "SMS_GATEWAY is not set"),
        ({"SMS_GATEWAY": "console"}, "console gateway is for development only"),
        ({"SMS_GATEWAY": "carrier-pigeon"}, "SMS_GATEWAY='carrier-pigeon' is unknown"),
        ({"SMS_GATEWAY": "46elks", "SMS_SENDER": "RegionVbtn"}, "needs ELKS_API_USER and"),
        (
            {"SMS_GATEWAY": "twilio", "TWILIO_ACCOUNT_SID": "AC1", "SMS_SENDER": "+46766861004"},
            "needs TWILIO_AUTH_TOKEN",
        ),
        (
            {"SMS_GATEWAY": "46elks", "ELKS_API_USER": "u", "ELKS_API_PASSWORD": "p"},
            "SMS_SENDER='' is not a valid sender",
        ),
        (
            {
                "SMS_GATEWAY": "46elks",
                "ELKS_API_USER": "u",
                "ELKS_API_PASSWORD": "p",
                "SMS_SENDER": "Region Västerbotten",
            },
            "is not a valid sender",
        ),
        (
            {
                "SMS_GATEWAY": "46elks",
                "ELKS_API_USER": "u",
                "ELKS_API_PASSWORD": "p",
                "SMS_SENDER": "RegionVbtn",
                "SMS_RATE_PER_SECOND": "fast",
            },
            "SMS_RATE_PER_SECOND='fast' is not a number",
        ),
    ],
)
def test_production_refuses_to_start_without_a_working_gateway(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_sms_settings({**PRODUCTION, **settings})


@pytest.mark.parametrize("sender", ["RegionVbtn", "SIP", "Vbtn2026", "+46766861004"])
def test_valid_senders(sender: str) -> None:
    settings = parse_sms_settings(
        {
            **PRODUCTION,
            "SMS_GATEWAY": "46elks",
            "ELKS_API_USER": "u",
            "ELKS_API_PASSWORD": "p",
            "SMS_SENDER": sender,
        }
    )
    assert settings.sender == sender
    assert settings.sender_is_number == sender.startswith("+")
    assert settings.elks_api_url == "https://api.46elks.com/a1"
    assert settings.rate_per_second == 5.0


@pytest.mark.parametrize("sender", ["AB", "ABCDEFGHIJKL", "1Region", "+46 76 686"])
def test_invalid_senders(sender: str) -> None:
    with pytest.raises(ConfigurationError, match="not a valid sender"):
        parse_sms_settings(
            {
                **PRODUCTION,
                "SMS_GATEWAY": "46elks",
                "ELKS_API_USER": "u",
                "ELKS_API_PASSWORD": "p",
                "SMS_SENDER": sender,
            }
        )


def test_create_app_in_production_refuses_without_gateway(app_factory: Callable) -> None:
    with pytest.raises(ConfigurationError, match="SMS_GATEWAY is not set"):
        app_factory(SURVEY_ENV="production")


def test_development_and_testing_default_to_the_console() -> None:
    assert parse_sms_settings({"SURVEY_ENV": "testing"}).gateway == "console"
    development = parse_sms_settings({"SURVEY_ENV": "development"})
    assert development.gateway == "console"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("070-174 06 05", "+46701740605"),
        ("0701740605", "+46701740605"),
        ("+46 70 174 06 05", "+46701740605"),
        ("0046701740605", "+46701740605"),
        ("(070) 174.06.05", "+46701740605"),
        ("+358 40 123 4567", "+358401234567"),
        ("+47 900 12 345", "+4790012345"),
    ],
)
def test_numbers_are_normalised_to_e164(app: Flask, typed: str, expected: str) -> None:
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Skriv ett mobilnummer."),
        ("070-ABC", "bara innehålla siffror"),
        ("07012", "inte ett giltigt svenskt mobilnummer"),
        ("358401234567", "utländskt nummer skrivs med + och landskod"),
        ("+46 70 12", "inte ett giltigt nummer i landet"),
        ("090-12 34 56", "inte ett mobilnummer"),
        ("08-123 456 78", "inte ett mobilnummer"),
        ("+", "bara innehålla siffror"),
    ],
)
def test_bad_numbers_say_what_is_wrong(app: Flask, typed: str, message: str) -> None:
    with app.test_request_context(), pytest.raises(PhoneNumberProblem, match=re.escape(message)):
        normalise_phone(typed)


def test_masked_numbers_show_only_the_last_digits() -> None:
    assert masked("+46701740605") == "+46 ••• •• 05"
    assert masked(None) == ""
