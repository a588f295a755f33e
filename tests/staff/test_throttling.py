"""Guessing is throttled: staff passwords per account and per address, family links per client."""

from __future__ import annotations

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
    assert statuses == {302}


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
