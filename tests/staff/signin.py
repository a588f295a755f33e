"""Signing staff in from tests through the real forms, second factor included."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from flask.testing import FlaskClient

from survey_app.accounts import totp
from survey_app.accounts.authentication import find_user
from survey_app.extensions import db
from survey_app.models import SecondFactor, User

PASSWORD = "ett långt lösenord för test"


def enrol_second_factor(user: User) -> str:
    """Give the account an authenticator app; returns its seed (also as `user.totp_seed`)."""
    seed = totp.new_seed()
    user.second_factor = SecondFactor(secret=totp.seal(seed, user.id))
    db.session.commit()
    user.totp_seed = seed
    return seed


def code_for(user: User, *, later: bool = True) -> str:
    """The app's current code. With `later`, as if 30 seconds had passed since the last
    sign-in: tests sign the same account in many times a second, and a code works once."""
    assert user.second_factor is not None
    if later:
        user.second_factor.last_step = None
        db.session.commit()
    seed = totp.unseal(user.second_factor.secret, user.id)
    assert seed is not None
    return pyotp.TOTP(seed).now()


def log_in(
    client: FlaskClient,
    email: str,
    password: str = PASSWORD,
    *,
    path: str = "/staff/login",
    **kwargs: Any,
) -> Any:
    """Post the login form; when a code is asked for, type the app's current code."""
    response = client.post(path, data={"email": email, "password": password}, **kwargs)
    if response.status_code == 302 and response.headers["Location"].endswith("/login/code"):
        user = find_user(email)
        assert user is not None
        response = client.post("/staff/login/code", data={"code": code_for(user)})
    return response


def csrf_token_of(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def log_in_with_token(client: FlaskClient, user: User) -> None:
    """Sign in through the real forms of an app with CSRF turned on (tokens included)."""
    data = {"email": user.email, "password": PASSWORD}
    data["csrf_token"] = csrf_token_of(client, "/staff/login")
    response = client.post("/staff/login", data=data)
    assert response.status_code == 302
    if response.headers["Location"].endswith("/login/code"):
        code = {"code": code_for(user), "csrf_token": csrf_token_of(client, "/staff/login/code")}
        assert client.post("/staff/login/code", data=code).status_code == 302
