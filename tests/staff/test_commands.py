"""`flask users ...`: accounts from the command line, with the same rules as the admin pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from survey_app.accounts.passwords import verify_password
from survey_app.extensions import db
from survey_app.models import StaffRole, User

from .conftest import log_in

PASSWORD = "ett lösenord för kommandoraden"


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_asks_twice_without_echo(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "--role", "admin", "--email", "Chef@Example.se"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert "Lösenordet igen" in result.output
    user = _user("chef@example.se")
    assert user is not None
    assert user.role == StaffRole.ADMIN
    assert verify_password(user.password_hash, PASSWORD)


def test_create_with_a_mismatched_confirmation_asks_again(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "--role", "analyst", "--email", "fou@example.se"],
        input=f"{PASSWORD}\nnågot annat helt\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert _user("fou@example.se") is not None


def test_create_coordinator_from_a_script_and_log_in(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "coordinator",
            "--email",
            "samordnare@example.se",
            "--team",
            "HLT Åsele",
            "--team",
            "HLT Umeå",
            "--password-stdin",
        ],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    coordinator = _user("samordnare@example.se")
    assert coordinator is not None
    assert [t.name for t in coordinator.teams] == ["HLT Umeå", "HLT Åsele"]
    assert log_in(app.test_client(), "samordnare@example.se", PASSWORD).status_code == 302
    listing = runner.invoke(args=["users", "list"])
    assert "samordnare@example.se" in listing.output
    assert "HLT Åsele" in listing.output


def test_bad_input_gets_a_clear_message(runner: FlaskCliRunner) -> None:
    cases = [
        (["--role", "coordinator", "--email", "a@example.se"], "minst ett team"),
        (["--role", "coordinator", "--email", "a@example.se", "--team", "HLT Mars"], "inget team"),
        (["--role", "admin", "--email", "a@example.se"], "minst 12 tecken"),
    ]
    for options, message in cases:
        result = runner.invoke(
            args=["users", "create", *options, "--password-stdin"], input="kort\n"
        )
        assert result.exit_code != 0
        assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_disable_stops_logins(runner: FlaskCliRunner, app: Flask) -> None:
    runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "analyst",
            "--email",
            "x@example.se",
            "--password-stdin",
        ],
        input=f"{PASSWORD}\n",
    )
    result = runner.invoke(args=["users", "disable", "X@example.se"])
    assert result.exit_code == 0, result.output
    disabled = _user("x@example.se")
    assert disabled is not None
    assert not disabled.active
    assert log_in(app.test_client(), "x@example.se", PASSWORD).status_code == 200
    unknown = runner.invoke(args=["users", "disable", "ingen@example.se"])
    assert unknown.exit_code != 0
    assert "Det finns inget konto" in unknown.output
