"""Settings come from the environment; wrong ones stop the service with a clear message."""

from __future__ import annotations

import pytest
from flask import Flask

from survey_app.config import ConfigurationError, load_config


def _load(environ: dict[str, str], overrides=None) -> Flask:
    app = Flask("config-test")
    load_config(app, overrides, environ=environ)
    return app


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        _load({"SURVEY_ENV": "production"})
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        _load({})  # production is the default


def test_development_gets_a_throwaway_key_and_a_sqlite_file_in_the_instance_folder():
    app = _load({"SURVEY_ENV": "development"})
    assert app.config["SECRET_KEY"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("survey.sqlite3")
    assert app.config["SURVEY_BASE_URL"] == "http://127.0.0.1:5000"
    assert app.config["MIN_GROUP_SIZE"] == 5


def test_environment_variables_are_read_and_typed():
    app = _load(
        {
            "SECRET_KEY": "x" * 40,
            "SURVEY_DATABASE_URL": "postgresql+psycopg://sip@127.0.0.1/sip",
            "SURVEY_BASE_URL": "https://enkat.example.se/",
            "MIN_GROUP_SIZE": "7",
            "SMS_GATEWAY": "46elks",
        }
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://sip@127.0.0.1/sip"
    assert app.config["SURVEY_BASE_URL"] == "https://enkat.example.se"
    assert app.config["MIN_GROUP_SIZE"] == 7
    assert app.config["SMS_GATEWAY"] == "46elks"
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MIN_GROUP_SIZE": "five"}, "MIN_GROUP_SIZE='five' is not a valid int"),
        ({"MIN_GROUP_SIZE": "0"}, "MIN_GROUP_SIZE must be at least 1"),
        ({"SURVEY_BASE_URL": "enkat.example.se"}, "must start with http:// or https://"),
    ],
)
def test_wrong_settings_are_named(environ, message):
    with pytest.raises(ConfigurationError, match=message):
        _load({"SURVEY_ENV": "development", **environ})
