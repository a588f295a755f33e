"""Guessing is throttled: staff passwords per account and per address, family links per client."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import User

from .conftest import PASSWORD, log_in


@pytest.fixture
def limited_app(app_factory: Callable[..., Flask], app: Flask) -> Flask:
    """An app with rate limiting on (the suite's default is off), on the same database."""
    return app_factory(RATELIMIT_ENABLED=True)


def _client_from(application: Flask, address: str) -> FlaskClient:
    client = application.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_ten_failures_lock_the_account_even_with_the_right_password(
    limited_app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    for attempt in range(10):
        # A guesser moving between addresses is still counted per account.
        response = log_in(_client_from(limited_app, f"10.0.0.{attempt}"), user.email, "fel" * 5)
        assert response.status_code == 200
    response = log_in(_client_from(limited_app, "10.0.1.1"), user.email, PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "För många misslyckade inloggningar" in page
    assert "Vänta 15 minuter" in page
    assert PASSWORD not in page


def test_ten_failures_from_one_address_lock_that_address(
    limited_app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    client = _client_from(limited_app, "192.0.2.7")
    for number in range(10):
        log_in(client, f"gissning{number}@example.se", "fel lösenord igen")
    assert log_in(client, user.email, PASSWORD).status_code == 429
    # Someone else, from another address, logs in as usual.
    assert log_in(_client_from(limited_app, "192.0.2.8"), user.email).status_code == 302


def test_a_few_mistakes_do_not_lock_anyone_out(
    limited_app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    client = _client_from(limited_app, "192.0.2.9")
    for _ in range(9):
        log_in(client, user.email, "nästan rätt lösenord")
    assert log_in(client, user.email).status_code == 302


def test_a_burst_of_unknown_links_is_stopped(limited_app: Flask) -> None:
    client = _client_from(limited_app, "198.51.100.1")
    statuses = [client.get(f"/s/gissad-lank-nummer-{n:04d}").status_code for n in range(20)]
    assert statuses == [404] * 20
    blocked = client.get("/s/gissad-lank-nummer-9999")
    assert blocked.status_code == 429
    assert "För många försök" in blocked.get_data(as_text=True)
    # Another phone is not affected.
    assert (
        _client_from(limited_app, "198.51.100.2").get("/s/nagon-annan-lank-01").status_code == 404
    )


def test_opening_a_real_link_many_times_is_never_throttled(
    limited_app: Flask, make_invitation: Callable
) -> None:
    invitation = make_invitation()
    client = _client_from(limited_app, "198.51.100.3")
    statuses = {client.get(f"/s/{invitation.token}").status_code for _ in range(30)}
    assert statuses == {200}


def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(
    app_factory: Callable[..., Flask], app: Flask
) -> None:
    proxied = app_factory(RATELIMIT_ENABLED=True, TRUSTED_PROXY_COUNT=1)
    client = _client_from(proxied, "10.1.1.1")  # the proxy
    guesser = {"X-Forwarded-For": "203.0.113.5"}
    for number in range(20):
        client.get(f"/s/gissad-lank-nummer-{number:04d}", headers=guesser)
    assert client.get("/s/gissad-lank-nummer-9999", headers=guesser).status_code == 429
    family = {"X-Forwarded-For": "203.0.113.6"}
    assert client.get("/s/nagon-annan-lank-01", headers=family).status_code == 404


@pytest.mark.parametrize("uri", ["nosuchstore://", "redis+nonsense:///x"])
def test_an_unusable_throttle_store_stops_the_start_with_one_line(app_factory, uri: str) -> None:
    from survey_app.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI"):
        app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=uri)


def test_a_valid_link_opens_after_a_hundred_unknown_ones_from_its_address(
    limited_app: Flask, make_invitation: Callable
) -> None:
    """A school or a housing area shares one address: someone's typos lock out no family."""
    invitation = make_invitation()
    shared = _client_from(limited_app, "198.51.100.20")
    statuses = [shared.get(f"/s/gissad-lank-nummer-{n:04d}").status_code for n in range(100)]
    assert statuses == [404] * 20 + [429] * 80
    assert shared.get(f"/s/{invitation.token}").status_code == 200


def test_unknown_links_are_also_throttled_for_everyone_together(
    app_factory: Callable[..., Flask], app: Flask, make_invitation: Callable
) -> None:
    """Many addresses guessing together (a botnet) meet the global limit."""
    limited = app_factory(RATELIMIT_ENABLED=True, LINK_FAILURE_GLOBAL_LIMIT="5 per hour")
    invitation = make_invitation()
    for number in range(5):
        guesser = _client_from(limited, f"203.0.113.{number}")
        assert guesser.get(f"/s/gissad-lank-nummer-{number:04d}").status_code == 404
    newcomer = _client_from(limited, "203.0.113.200")
    assert newcomer.get("/s/gissad-lank-nummer-0099").status_code == 429
    assert newcomer.get(f"/s/{invitation.token}").status_code == 200


def test_when_the_counter_store_is_down_links_still_work_and_sign_in_waits(
    app_factory: Callable[..., Flask], app: Flask, make_invitation: Callable, make_user: Callable
) -> None:
    down = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    invitation = make_invitation()
    user = make_user("coordinator", teams=("HLT Åsele",))
    client = down.test_client()
    assert client.get(f"/s/{invitation.token}").status_code == 200
    assert client.get("/s/gissad-lank-nummer-0001").status_code == 404
    # Sign-in fails closed: without counters a guesser would have no limit at all.
    response = log_in(down.test_client(), user.email)
    assert response.status_code == 503
    assert "Inloggningen fungerar inte just nu" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


PRODUCTION = {
    "SURVEY_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "SMS_GATEWAY": "46elks",
    "ELKS_API_USER": "u",
    "ELKS_API_PASSWORD": "p",
    "SMS_SENDER": "RegionVbtn",
    "RATELIMIT_ENABLED": True,
}


@pytest.mark.parametrize(
    ("settings", "refusal"),
    [
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "counts in each process alone"),
        (
            {"RATELIMIT_STORAGE_URI": "memory://", "SURVEY_SINGLE_PROCESS": True,
             "SIP_WORKERS": 3},
            "SURVEY_SINGLE_PROCESS=1 but SIP_WORKERS=3",
        ),
        ({"RATELIMIT_STORAGE_URI": "memory://", "SURVEY_SINGLE_PROCESS": True,
          "SIP_WORKERS": 1}, None),
        ({"RATELIMIT_STORAGE_URI": "memory://", "SURVEY_SINGLE_PROCESS": True}, None),
        ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}, None),  # commands need no Redis
        (
            {"RATELIMIT_STORAGE_URI": "redis://:hemligt@127.0.0.1:1/0",
             "SURVEY_CHECK_THROTTLE": True},
            "cannot reach the throttle store RATELIMIT_STORAGE_URI=redis://…@127.0.0.1:1/0",
        ),
        ({"SURVEY_ENV": "development", "RATELIMIT_STORAGE_URI": "memory://"}, None),
    ],
)  # fmt: skip
def test_production_needs_counters_every_process_shares(
    app_factory: Callable[..., Flask], settings: dict[str, object], refusal: str | None
) -> None:
    from survey_app.config import ConfigurationError

    if refusal is None:
        app_factory(**{**PRODUCTION, **settings})
        return
    with pytest.raises(ConfigurationError, match=re.escape(refusal)) as raised:
        app_factory(**{**PRODUCTION, **settings})
    assert "hemligt" not in str(raised.value)


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("yes", True), ("0", False), ("off", False), ("kanske", None)]
)
def test_the_single_process_setting_reads_yes_and_no(raw: str, value: bool | None) -> None:
    from survey_app.config import ConfigurationError, load_config

    app = Flask("config-test")
    environ = {"SURVEY_ENV": "development", "SURVEY_SINGLE_PROCESS": raw}
    if value is None:
        with pytest.raises(ConfigurationError, match="is not a valid yes/no value"):
            load_config(app, None, environ=environ)
    else:
        load_config(app, None, environ=environ)
        assert app.config["SURVEY_SINGLE_PROCESS"] is value
