"""Passwords by guessability (NIST SP 800-63B), reset links, and the forced first change."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from survey_app.accounts.passwords import password_problem, verify_password
from survey_app.extensions import db
from survey_app.models import AuditEvent, PasswordReset, User, utcnow

from .conftest import PASSWORD, log_in

EMAIL = "anna.andersson@regionvasterbotten.se"
TOO_EASY = "Lösenordet är för lätt att gissa."
LOCAL_WORDS = "Lösenordet bygger på ord som är lätta att gissa här"
PERSONAL = "Lösenordet bygger på din e-postadress eller ditt namn"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort", "Lösenordet måste ha minst 12 tecken."),
        ("x" * 257, "Lösenordet får ha högst 256 tecken."),
        (EMAIL, "Lösenordet får inte vara din e-postadress."),
        ("123456789012", TOO_EASY),
        ("passwordpassword", TOO_EASY),
        ("qwertyuiopasdf", TOO_EASY),
        ("Sommar2024!!", LOCAL_WORDS),
        ("Västerbotten2026!", LOCAL_WORDS),
        ("sipsipsipsip12", TOO_EASY),
        ("RegionVasterbotten1", LOCAL_WORDS),
        ("Lösenord1234", LOCAL_WORDS),
        ("anna.andersson2024", PERSONAL),
        ("Andersson!Andersson", PERSONAL),
    ],
)
def test_guessable_passwords_are_refused_with_a_reason(
    app: Flask, password: str, message: str
) -> None:
    with app.test_request_context():
        problem = password_problem(password, EMAIL)
    assert problem is not None
    assert problem.startswith(message), problem


@pytest.mark.parametrize(
    "password",
    [
        "ett långt lösenord för test",
        "korrekt häst batteri häftklammer",
        "blå cykel under trappan",  # only lower case and spaces: no composition rules
        "x" * 30 + " mitt i vintern",
        "ä" * 3 + " rimfrost över kvarken 17",
    ],
)
def test_long_unguessable_passwords_are_accepted_without_composition_rules(
    app: Flask, password: str
) -> None:
    with app.test_request_context():
        assert password_problem(password, EMAIL) is None


def test_the_admin_form_refuses_a_guessable_temporary_password(
    staff_client: Callable[..., FlaskClient],
) -> None:
    admin = staff_client("admin")
    response = admin.post(
        "/staff/users/new",
        data={"email": EMAIL, "role": "analyst", "language": "sv", "password": "Sommar2024!!"},
    )
    assert response.status_code == 200
    assert LOCAL_WORDS in response.text


def test_a_temporary_password_must_be_replaced_at_the_first_sign_in(
    app: Flask, staff_client: Callable[..., FlaskClient]
) -> None:
    admin = staff_client("admin")
    temporary = "ett tillfälligt lösenord från admin"
    created = admin.post(
        "/staff/users/new",
        data={
            "email": "ny@example.se",
            "role": "coordinator",
            "teams": [1],
            "language": "sv",
            "password": temporary,
        },
    )
    assert created.status_code == 302
    person = app.test_client()
    assert log_in(person, "ny@example.se", temporary).status_code == 302
    for page in ("/staff/", "/staff/meetings", "/staff/account/second-factor"):
        answer = person.get(page)
        assert answer.headers["Location"].endswith("/staff/password"), page
    form = person.get("/staff/password").text
    assert "Du loggade in med ett tillfälligt lösenord" in form
    assert 'name="current_password"' not in form
    same = person.post(
        "/staff/password", data={"new_password": temporary, "confirm_password": temporary}
    )
    assert "Välj ett annat lösenord än det du har nu." in same.text
    new = "mitt eget långa lösenord i norr"
    done = person.post("/staff/password", data={"new_password": new, "confirm_password": new})
    assert done.status_code == 302
    assert person.get("/staff/").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "password_changed"))
    assert event is not None
    assert event.details == {"forced": True}


def _issue_link(admin: FlaskClient, user: User) -> str:
    page = admin.post(f"/staff/users/{user.id}/reset-link")
    assert page.status_code == 200
    match = re.search(r"https://enkat\.example\.se(/staff/reset/[A-Za-z0-9_\-]{22})", page.text)
    assert match, page.text
    return match.group(1)


def test_a_reset_link_sets_a_new_password_once(
    app: Flask, staff_client: Callable[..., FlaskClient], make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    signed_in = app.test_client()
    log_in(signed_in, user.email)
    admin = staff_client("admin")
    path = _issue_link(admin, user)
    person = app.test_client()
    opened = person.get(path)
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith("/staff/reset")  # the token leaves the address bar
    assert person.get(path).status_code == 302  # opening it again (a link scanner) uses nothing
    form = person.get("/staff/reset")
    assert user.email in form.text
    bad = person.post(
        "/staff/reset", data={"new_password": "Sommar2024!!", "confirm_password": "Sommar2024!!"}
    )
    assert LOCAL_WORDS in bad.text
    new = "ett alldeles nytt lösenord vid kusten"
    done = person.post("/staff/reset", data={"new_password": new, "confirm_password": new})
    assert done.headers["Location"].endswith("/staff/login")
    assert signed_in.get("/staff/").status_code == 302  # every session of the account ended
    assert log_in(app.test_client(), user.email).status_code == 200  # the old password is gone
    assert log_in(app.test_client(), user.email, new).status_code == 302
    used = app.test_client().get(path)
    assert used.status_code == 404
    assert "har redan använts, har gått ut eller är fel kopierad" in used.text
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))
    ).all()
    assert "password_reset_issued" in actions
    assert "password_reset_used" in actions


def test_the_second_tab_of_a_reset_cannot_use_it_again(
    app: Flask, staff_client: Callable[..., FlaskClient], make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    path = _issue_link(staff_client("admin"), user)
    first, second = app.test_client(), app.test_client()
    first.get(path)
    second.get(path)
    new = "ett alldeles nytt lösenord vid kusten"
    assert first.post("/staff/reset", data={"new_password": new, "confirm_password": new})
    other = "ett annat nytt lösenord i fjällen"
    late = second.post("/staff/reset", data={"new_password": other, "confirm_password": other})
    assert late.status_code == 404
    db.session.expire_all()
    assert verify_password(user.password_hash, new)


@pytest.mark.parametrize("case", ["expired", "replaced", "disabled", "mangled", "not a token"])
def test_reset_links_that_cannot_be_used(
    app: Flask,
    staff_client: Callable[..., FlaskClient],
    make_user: Callable[..., User],
    case: str,
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    admin = staff_client("admin")
    path = _issue_link(admin, user)
    if case == "expired":
        reset = db.session.scalar(sa.select(PasswordReset))
        assert reset is not None
        reset.created_at = utcnow() - timedelta(hours=25)
        reset.expires_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    elif case == "replaced":
        _issue_link(admin, user)
    elif case == "disabled":
        admin.post(f"/staff/users/{user.id}/disable")
    elif case == "mangled":
        path = path[:-1] + ("A" if path[-1] != "A" else "B")
    else:
        path = "/staff/reset/inte-en-riktig-länk-<b>"
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert "Be en administratör om en ny länk." in response.text


def test_the_reset_form_without_an_opened_link_is_explained(client: FlaskClient) -> None:
    response = client.get("/staff/reset")
    assert response.status_code == 404
    assert "Be en administratör om en ny länk." in response.text


def test_flask_users_reset_prints_a_working_link(
    app: Flask, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    analyst = make_user("analyst")
    result = runner.invoke(args=["users", "reset", analyst.email.upper(), "--second-factor"])
    assert result.exit_code == 0, result.output
    found = re.search(r"https://enkat\.example\.se(/staff/reset/\S+)", result.output)
    assert found is not None
    link = found.group(1)
    assert "Tvåstegsverifieringen är nollställd" in result.output
    db.session.expire_all()
    assert analyst.second_factor is None
    person = app.test_client()
    person.get(link)
    new = "ett alldeles nytt lösenord vid kusten"
    assert person.post("/staff/reset", data={"new_password": new, "confirm_password": new})
    assert log_in(app.test_client(), analyst.email, new).status_code == 302
    missing = runner.invoke(args=["users", "reset", "ingen@example.se"])
    assert missing.exit_code != 0
    assert "Det finns inget konto för ingen@example.se." in missing.output


def test_reset_tokens_are_stored_only_as_hashes(
    staff_client: Callable[..., FlaskClient], make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    path = _issue_link(staff_client("admin"), user)
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(sa.select(PasswordReset.token_hash))
    assert stored is not None
    assert token not in stored
    audit_text = repr(db.session.scalars(sa.select(AuditEvent.details)).all())
    assert token not in audit_text
    assert PASSWORD not in audit_text
