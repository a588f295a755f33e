"""Logging in and out: the right person gets in, nobody learns which part was wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from survey_app.accounts import passwords
from survey_app.extensions import db
from survey_app.models import AuditEvent, User

from .conftest import PASSWORD, log_in

WRONG = "Fel e-postadress eller lösenord"


def test_login_page_shows_a_form(client: object) -> None:
    response = client.get("/staff/login")  # type: ignore[attr-defined]
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="email"' in page
    assert 'name="password"' in page


def test_the_right_password_logs_in_and_the_start_page_names_the_role(
    app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    client = app.test_client()
    response = log_in(client, user.email.upper())  # e-mail is not case sensitive
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/")
    page = client.get("/staff/").get_data(as_text=True)
    assert "samordnare" in page
    assert "HLT Åsele" in page


def test_wrong_password_unknown_email_and_disabled_account_get_the_same_answer(
    app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    disabled = make_user("analyst", active=False)
    pages = []
    for email, password in (
        (user.email, "fel lösenord helt enkelt"),
        ("nobody@example.se", PASSWORD),
        (disabled.email, PASSWORD),
    ):
        response = log_in(app.test_client(), email, password)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert WRONG in page
        pages.append(page.replace(email, "EMAIL"))
    assert pages[0] == pages[1] == pages[2]


def test_failed_logins_are_audited_without_the_password(
    app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    log_in(app.test_client(), user.email, "hemligt-fel-lösenord")
    log_in(app.test_client(), "okand@example.se", "hemligt-fel-lösenord-2")
    log_in(app.test_client(), user.email)
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_id) for e in events] == [
        ("login_failed", str(user.id)),
        ("login_failed", None),
        ("login_succeeded", str(user.id)),
    ]
    stored = repr([(e.action, e.object_type, e.object_id, e.details) for e in events])
    assert "hemligt" not in stored
    assert "okand@example.se" not in stored


def test_logout_is_a_post_and_ends_the_session(staff_client: Callable) -> None:
    client = staff_client("analyst")
    assert client.get("/staff/logout").status_code == 405
    response = client.post("/staff/logout")
    assert response.status_code == 302
    follow = client.get("/staff/")
    assert follow.status_code == 302
    assert "/staff/login" in follow.headers["Location"]


def test_after_login_the_person_returns_to_the_page_they_asked_for(
    app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    client = app.test_client()
    response = client.get("/staff/password")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert "next=" in login_url
    response = log_in(client, user.email, path=login_url)  # through the code step too
    assert response.headers["Location"].endswith("/staff/password")


def test_login_never_redirects_off_the_staff_area(
    app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    for target in ("https://evil.example/", "//evil.example/staff/", "/s/abc", "/staff/logout"):
        response = log_in(app.test_client(), user.email, query_string={"next": target})
        assert response.headers["Location"].endswith("/staff/"), target


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("a" * 300 + "@example.se", PASSWORD, "E-postadressen får ha högst 254 tecken."),
        ("admin@example.se", "x" * 5000, "Lösenordet får ha högst 256 tecken."),
        ("", PASSWORD, "Skriv din e-postadress."),
        ("admin@example.se", "", "Skriv ditt lösenord."),
    ],
)
def test_over_long_or_missing_login_input_is_explained(
    client: FlaskClient, email: str, password: str, message: str
) -> None:
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert password not in page or not password


class _CountingHasher(PasswordHasher):
    """Real argon2 that also counts verifications."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified += 1
        return super().verify(hash, password)


def test_an_unknown_email_costs_the_same_password_check_as_a_known_one(
    app: Flask, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user("admin")
    hasher = _CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    passwords._dummy_hash.cache_clear()
    log_in(app.test_client(), user.email, "fel lösenord för kontot")
    known = hasher.verified
    log_in(app.test_client(), "okand-person@example.se", "fel lösenord för kontot")
    assert known == 1
    assert hasher.verified - known == 1


def test_staff_pages_speak_swedish_or_english_never_a_family_language(client: FlaskClient) -> None:
    arabic = client.get("/staff/login", headers={"Accept-Language": "ar"})
    assert 'lang="sv"' in arabic.get_data(as_text=True)
    english = client.get("/staff/login", headers={"Accept-Language": "en"})
    assert 'lang="en"' in english.get_data(as_text=True)
