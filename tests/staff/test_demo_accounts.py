"""`flask demo` prints one working staff login per role, and running it twice changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from survey_app.extensions import db
from survey_app.models import User

from .conftest import log_in


def test_demo_prints_a_working_login_per_role(runner: FlaskCliRunner, app: Flask) -> None:
    first = runner.invoke(args=["demo", "--json"])
    assert first.exit_code == 0, first.output
    staff = json.loads(first.output)["staff"]
    assert {account["role"] for account in staff} == {"admin", "coordinator", "analyst"}
    coordinator = next(a for a in staff if a["role"] == "coordinator")
    assert set(coordinator["team"].split(", ")) == {"HLT Åsele", "HLT Umeå"}
    for account in staff:
        assert set(account) == {"email", "password", "role", "team"}
        client = app.test_client()
        assert log_in(client, account["email"], account["password"]).status_code == 302
        start = client.get("/staff/")
        if account["role"] == "coordinator":
            assert start.status_code == 200
        else:  # admins and analysts add an authenticator app at their first sign-in
            assert start.headers["Location"].endswith("/staff/account/second-factor")

    second = runner.invoke(args=["demo", "--json"])
    assert json.loads(second.output)["staff"] == staff
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 3
    text = runner.invoke(args=["demo"]).output
    assert "admin@demo.example" in text


def test_no_demo_accounts_in_production(app_factory: Callable[..., Flask]) -> None:
    production = app_factory(
        SURVEY_ENV="production",
        SECRET_KEY="x" * 40,
        SMS_GATEWAY="46elks",
        ELKS_API_USER="u",
        ELKS_API_PASSWORD="p",
        SMS_SENDER="RegionVbtn",
    )
    with production.app_context():  # the CLI runs in the current app context, if any
        result = production.test_cli_runner().invoke(args=["demo", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["staff"] == []
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
