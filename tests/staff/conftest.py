"""Staff-area fixtures: accounts per role, logging in, and a clean rate limiter per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from flask import Flask
from flask.testing import FlaskClient

from survey_app import passwords
from survey_app.extensions import db as _db
from survey_app.extensions import limiter
from survey_app.models import StaffRole, Team, User
from survey_app.passwords import hash_password

PASSWORD = "ett långt lösenord för test"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with the cheapest parameters: the tests are about behaviour, not cost."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The limiter is one global object: no counts may leak from one test into the next."""
    yield
    if limiter._storage is not None:  # None until an app turns rate limiting on
        limiter.reset()


def team_named(name: str) -> Team:
    team = _db.session.scalar(sa.select(Team).where(Team.name == name))
    assert team is not None, name
    return team


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def make(
        role: str = "admin",
        *,
        email: str | None = None,
        teams: tuple[str, ...] = (),
        password: str = PASSWORD,
        active: bool = True,
    ) -> User:
        number = _db.session.scalar(sa.select(sa.func.count(User.id)))
        user = User(
            email=email or f"{role}-{number}@example.se",
            password_hash=hash_password(password),
            role=StaffRole(role),
            active=active,
            teams=[team_named(name) for name in teams],
        )
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


def log_in(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs: Any) -> Any:
    return client.post("/staff/login", data={"email": email, "password": password}, **kwargs)


@pytest.fixture
def staff_client(app: Flask, make_user: Callable[..., User]) -> Callable[..., FlaskClient]:
    """A client logged in as a new user of the given role."""

    def make(role: str = "admin", **user_fields: Any) -> FlaskClient:
        user = make_user(role, **user_fields)
        client = app.test_client()
        response = log_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make
