"""Sessions end everywhere at once when the account changes, and by time."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.accounts.sessions import SIGNED_IN_AT_KEY
from survey_app.models import User

from .conftest import PASSWORD, log_in, team_named


def _copied(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of this one's session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("sip")
    assert cookie is not None
    thief.set_cookie("sip", cookie.value)
    return thief


def _admin_post(admin: FlaskClient, user: User, what: str) -> None:
    data: dict[str, object]
    if what == "role":
        data = {"email": user.email, "role": "analyst", "language": "sv", "active": "y"}
        assert admin.post(f"/staff/users/{user.id}", data=data).status_code == 302
    elif what == "teams":
        data = {
            "email": user.email,
            "role": "coordinator",
            "teams": [team_named("HLT Umeå").id],
            "language": "sv",
            "active": "y",
        }
        assert admin.post(f"/staff/users/{user.id}", data=data).status_code == 302
    elif what == "disable":
        assert admin.post(f"/staff/users/{user.id}/disable").status_code == 302


# What ends the sessions of an account, and whose: the policy as a literal table.
# (action, the session that acted goes on, the person's other sessions go on)
@pytest.mark.parametrize(
    ("action", "acting_goes_on", "others_go_on"),
    [
        ("logout", False, False),
        ("password change", True, False),
        ("role changed by admin", None, False),
        ("teams changed by admin", None, False),
        ("disabled by admin", None, False),
        ("language changed by admin", None, True),
        ("nothing", True, True),
    ],
)
def test_what_ends_every_session_of_an_account(
    app: Flask,
    make_user: Callable[..., User],
    staff_client: Callable[..., FlaskClient],
    action: str,
    acting_goes_on: bool | None,
    others_go_on: bool,
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    device, laptop = app.test_client(), app.test_client()
    log_in(device, user.email)
    log_in(laptop, user.email)
    copy = _copied(app, device)
    assert copy.get("/staff/").status_code == 200
    data: dict[str, object]
    if action == "logout":
        device.post("/staff/logout")
    elif action == "password change":
        new = "ett helt nytt långt lösenord i norr"
        data = {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
        assert device.post("/staff/password", data=data).status_code == 302
    elif action == "language changed by admin":
        admin = staff_client("admin")
        teams = [team.id for team in user.teams]
        data = {"email": user.email, "role": "coordinator", "teams": teams, "language": "en"}
        assert (
            admin.post(f"/staff/users/{user.id}", data={**data, "active": "y"}).status_code == 302
        )
    elif action != "nothing":
        _admin_post(staff_client("admin"), user, action.split()[0].replace("disabled", "disable"))
    if acting_goes_on is not None:
        assert (device.get("/staff/").status_code == 200) is acting_goes_on
    assert (laptop.get("/staff/").status_code == 200) is others_go_on
    assert (copy.get("/staff/").status_code == 200) is others_go_on


def test_a_session_ends_some_hours_after_signing_in_however_active(
    staff_client: Callable[..., FlaskClient],
) -> None:
    client = staff_client("coordinator", teams=("HLT Åsele",))
    with client.session_transaction() as session:
        session[SIGNED_IN_AT_KEY] = time.time() - 10 * 3600 - 60
    response = client.get("/staff/meetings")
    assert response.status_code == 302
    assert "/staff/login?next=/staff/meetings" in response.headers["Location"]
    page = client.get(response.headers["Location"]).text
    assert "Du loggades ut eftersom du varit inloggad i 10 timmar." in page


def test_a_session_just_inside_both_limits_goes_on(
    staff_client: Callable[..., FlaskClient],
) -> None:
    client = staff_client("coordinator", teams=("HLT Åsele",))
    with client.session_transaction() as session:
        session[SIGNED_IN_AT_KEY] = time.time() - 10 * 3600 + 120
        session["staff_seen"] = time.time() - 29 * 60
    assert client.get("/staff/").status_code == 200


def test_a_session_from_before_these_rules_ends(staff_client: Callable[..., FlaskClient]) -> None:
    client = staff_client("coordinator", teams=("HLT Åsele",))
    with client.session_transaction() as session:
        del session[SIGNED_IN_AT_KEY]
    assert client.get("/staff/").status_code == 302


def test_an_old_style_session_id_opens_nothing(app: Flask, make_user: Callable[..., User]) -> None:
    """Sessions signed in as "id:stamp" (before epochs) are not recognised."""
    user = make_user("coordinator", teams=("HLT Åsele",))
    from survey_app.models.staff import session_stamp

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{session_stamp(user.password_hash)}"
        session[SIGNED_IN_AT_KEY] = time.time()
    assert client.get("/staff/").status_code == 302
