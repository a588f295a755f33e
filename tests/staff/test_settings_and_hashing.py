"""Staff security settings come from the environment; password hashes follow the parameters."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from flask import Flask

from survey_app.accounts import passwords
from survey_app.config import ConfigurationError, load_config
from survey_app.extensions import db
from survey_app.models import User

from .conftest import PASSWORD, log_in


def test_staff_settings_are_read_from_the_environment() -> None:
    app = Flask("settings")
    load_config(
        app,
        {"SURVEY_ENV": "testing"},
        environ={"STAFF_IDLE_MINUTES": "10", "LOGIN_FAILURE_LIMIT": "5 per hour"},
    )
    assert app.config["STAFF_IDLE_MINUTES"] == 10
    assert app.config["LOGIN_FAILURE_LIMIT"] == "5 per hour"
    assert app.config["LINK_FAILURE_LIMIT"] == "20 per minute"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"STAFF_IDLE_MINUTES": "0"}, "STAFF_IDLE_MINUTES must be at least 1"),
        ({"STAFF_IDLE_MINUTES": "en halvtimme"}, "STAFF_IDLE_MINUTES='en halvtimme' is not"),
    ],
)
def test_bad_settings_stop_the_start_with_a_message(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_config(Flask("settings"), {"SURVEY_ENV": "testing"}, environ=settings)


def test_an_unreadable_rate_stops_the_start(app_factory: Callable[..., Flask]) -> None:
    with pytest.raises(ConfigurationError, match="LOGIN_FAILURE_LIMIT='ofta'"):
        app_factory(LOGIN_FAILURE_LIMIT="ofta")


def test_a_hash_made_with_older_parameters_is_renewed_at_login(
    app: Flask, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    user = make_user("analyst")
    user.password_hash = old.hash(PASSWORD)
    db.session.commit()
    current = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", current)
    assert log_in(app.test_client(), user.email).status_code == 302
    db.session.expire_all()
    assert not current.check_needs_rehash(user.password_hash)
    assert current.verify(user.password_hash, PASSWORD)
    # A wrong password never rewrites the hash.
    before = user.password_hash
    monkeypatch.setattr(passwords, "_hasher", old)
    log_in(app.test_client(), user.email, "fel lösenord här")
    db.session.expire_all()
    assert user.password_hash == before


def test_passwords_are_stored_as_argon2id(make_user: Callable[..., User]) -> None:
    user = make_user("admin")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
