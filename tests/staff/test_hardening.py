"""Hardening: CSRF on every POST, safe cookies, idle staff sessions, headers on every response."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from survey_app.extensions import db
from survey_app.models import Campaign, User

from .conftest import PASSWORD, log_in
from .signin import csrf_token_of, log_in_with_token

CAMPAIGN = {
    "name": "Vårens period",
    "opens_at": "2027-03-01T08:00",
    "closes_at": "2027-05-31T23:59",
    "reminder_count": "1",
    "reminder_delay_days": "4",
}


@pytest.fixture
def csrf_app(app_factory: Callable[..., Flask], app: Flask) -> Flask:
    return app_factory(WTF_CSRF_ENABLED=True)


def test_login_without_a_csrf_token_gets_a_friendly_page(
    csrf_app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    client = csrf_app.test_client()
    response = log_in(client, user.email)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Formuläret behöver skickas igen" in page
    assert "Traceback" not in page
    token = csrf_token_of(client, "/staff/login")
    response = client.post(
        "/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_a_forged_staff_post_is_refused_and_what_was_typed_comes_back(
    csrf_app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    client = csrf_app.test_client()
    log_in_with_token(client, user)
    response = client.post("/staff/campaigns/new", data=CAMPAIGN)  # no token: forged or stale
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Det du skrev finns kvar" in page
    assert 'href="/staff/campaigns/new"' in page
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0
    again = client.get("/staff/campaigns/new").get_data(as_text=True)
    assert 'value="Vårens period"' in again
    assert 'value="2027-05-31T23:59"' in again
    token = csrf_token_of(client, "/staff/campaigns/new")
    response = client.post("/staff/campaigns/new", data={**CAMPAIGN, "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1


def test_logout_needs_the_csrf_token_too(csrf_app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user("analyst")
    client = csrf_app.test_client()
    log_in_with_token(client, user)
    assert client.post("/staff/logout").status_code == 400
    assert client.get("/staff/").status_code == 200  # a forged logout did not log anyone out
    token = csrf_token_of(client, "/staff/")
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_an_idle_session_ends_and_the_half_filled_form_survives_the_new_login(
    staff_client: Callable[..., FlaskClient],
) -> None:
    client = staff_client("admin")
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 31 * 60
    response = client.post("/staff/campaigns/new", data=CAMPAIGN)
    assert response.status_code == 302
    assert "/staff/login?next=/staff/campaigns/new" in response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du loggades ut efter en stund utan aktivitet" in login_page
    response = log_in(
        client,
        client.user.email,  # type: ignore[attr-defined]
        path="/staff/login?next=/staff/campaigns/new",
    )
    assert response.headers["Location"].endswith("/staff/campaigns/new")
    form = client.get("/staff/campaigns/new").get_data(as_text=True)
    assert "Det du skrev innan du loggades ut finns kvar" in form
    assert 'value="Vårens period"' in form
    assert 'value="2027-03-01T08:00"' in form
    # Shown once: the next visit is an empty form again.
    assert 'value="Vårens period"' not in client.get("/staff/campaigns/new").get_data(as_text=True)


def test_an_idle_session_never_keeps_passwords(staff_client: Callable[..., FlaskClient]) -> None:
    client = staff_client("analyst")
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 31 * 60
    client.post(
        "/staff/password",
        data={"current_password": PASSWORD, "new_password": "hemligt nytt lösenord"},
    )
    with client.session_transaction() as session:
        assert "hemligt" not in repr(dict(session))
        assert PASSWORD not in repr(dict(session))


def test_an_active_session_goes_on(staff_client: Callable[..., FlaskClient]) -> None:
    client = staff_client("admin")
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 29 * 60
    assert client.get("/staff/campaigns").status_code == 200


@pytest.mark.parametrize(
    ("base_url", "secure"), [("https://enkat.example.se", True), ("http://127.0.0.1:5000", False)]
)
def test_session_cookie_flags(
    app_factory: Callable[..., Flask],
    make_user: Callable[..., User],
    base_url: str,
    secure: bool,
) -> None:
    user = make_user("admin")
    client = app_factory(SURVEY_BASE_URL=base_url).test_client()
    response = log_in(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure


def test_security_headers_on_every_kind_of_response(
    staff_client: Callable[..., FlaskClient], client: FlaskClient, make_invitation: Callable
) -> None:
    invitation = make_invitation()
    staff = staff_client("coordinator", teams=("HLT Åsele",))
    admin = staff_client("admin")
    responses = {
        "family link": client.get(f"/s/{invitation.token}"),
        "family start": client.get("/s/"),
        "unknown link": client.get("/s/inte-en-riktig-lank"),
        "staff login": client.get("/staff/login"),
        "staff start": staff.get("/staff/"),
        "staff forbidden": staff.get("/staff/audit"),
        "staff missing": admin.get("/staff/campaigns/123456"),
        "static": client.get("/static/css/staff.css"),
    }
    for name, response in responses.items():
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], name
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"], name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "no-referrer", name
        assert headers["Strict-Transport-Security"].startswith("max-age="), name
        if name != "static":
            assert headers["Cache-Control"] == "no-store", name
        response.close()
    assert responses["staff forbidden"].status_code == 403
    assert responses["staff missing"].status_code == 404


def test_no_inline_styles_or_scripts_in_staff_templates() -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "survey_app" / "templates" / "staff"
    for template in templates.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "style=" not in text, template
        assert "<style" not in text, template
        assert "<script>" not in text, template
        assert " on" + "click=" not in text, template
        assert "|safe" not in text.replace(" ", ""), template


def test_a_form_posted_after_the_session_is_gone_waits_for_the_login(
    app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    client = app.test_client()  # e.g. the browser was closed and its session cookie is gone
    response = client.post("/staff/campaigns/new", data=CAMPAIGN)
    assert response.status_code == 302
    assert "/staff/login?next=" in response.headers["Location"]
    assert "finns det du skrev kvar" in client.get("/staff/login").get_data(as_text=True)
    log_in(client, user.email)
    form = client.get("/staff/campaigns/new").get_data(as_text=True)
    assert 'value="Vårens period"' in form
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


def test_phone_numbers_are_never_kept_in_the_session_cookie(
    staff_client: Callable[..., FlaskClient],
) -> None:
    client = staff_client("admin")
    with client.session_transaction() as session:
        session["staff_seen"] = time.time() - 31 * 60
    client.post("/staff/campaigns/new", data={**CAMPAIGN, "guardian_1_phone": "070-1740605"})
    with client.session_transaction() as session:
        assert "1740605" not in repr(dict(session))
    log_in(client, client.user.email)  # type: ignore[attr-defined]
    form = client.get("/staff/campaigns/new").get_data(as_text=True)
    assert "Telefonnummer sparas inte medan du är utloggad" in form
    assert 'value="Vårens period"' in form
