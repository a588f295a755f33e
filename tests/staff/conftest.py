"""Staff-area fixtures: accounts per role, logging in, and a clean rate limiter per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from flask import Flask
from flask.testing import FlaskClient

from survey_app.accounts import passwords, totp
from survey_app.accounts.passwords import hash_password
from survey_app.extensions import db as _db
from survey_app.models import StaffRole, Team, User

from .route_world import RouteWorld, build_route_world
from .signin import PASSWORD, enrol_second_factor, log_in

__all__ = ["PASSWORD", "enrol_second_factor", "log_in"]


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with the cheapest parameters: the tests are about behaviour, not cost."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


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
        second_factor: bool | None = None,
    ) -> User:
        """An account; admins and analysts have an authenticator app unless told otherwise."""
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
        if second_factor if second_factor is not None else totp.required_for(user):
            enrol_second_factor(user)
        return user

    return make


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


class _QuestionPage(HTMLParser):
    """The answerable fields of a question page: radio names with their values, text fields."""

    def __init__(self) -> None:
        super().__init__()
        self.radios: dict[str, list[str]] = {}
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("name") or ""
        if tag == "input" and found.get("type") == "radio":
            self.radios.setdefault(name, []).append(found.get("value") or "")
        elif tag == "textarea" or (tag == "input" and found.get("type") == "text"):
            self.texts.append(name)


def answer_everything(client: FlaskClient, token: str, free_text: str) -> None:
    """Walk the real family path from the link to the thank-you page, typing `free_text`."""
    assert client.get(f"/s/{token}").status_code == 200
    response = client.post("/s/")
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    for _step in range(30):
        if location.endswith("/s/tack"):
            return
        page = _QuestionPage()
        page.feed(client.get(location).get_data(as_text=True))
        data = {name: values[0] for name, values in page.radios.items()}
        data.update({name: free_text for name in page.texts})
        data["action"] = "next"
        response = client.post(location, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        location = response.headers["Location"]
    raise AssertionError("the questionnaire never ended")


@pytest.fixture
def route_world(
    app: Flask,
    make_user: Callable[..., User],
    make_campaign: Callable[..., Any],
    make_invitation: Callable[..., Any],
) -> RouteWorld:
    """Real objects behind every URL parameter of the route tables (tests/staff/route_world)."""
    return build_route_world(app, make_user, make_campaign, make_invitation, team_named)


@pytest.fixture
def desk(browser: Any, live_server: str) -> Iterator[Callable[[str], Any]]:
    """A desktop browser (a fresh context: no cookies) in the given locale."""
    contexts: list[Any] = []

    def open_desk(locale: str) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.origin = live_server
        return page

    yield open_desk
    for context in contexts:
        context.close()
