"""The session cookie and the CSRF token keep their formats: what was signed before a deploy
stays valid, and after."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from survey_app.web.cookie_session import SessionInterface

SESSION = {"invitation": 123, "csrf_token": "ab" * 20, "completed": 123}


def _serializer(interface: SecureCookieSessionInterface, app: Flask) -> URLSafeTimedSerializer:
    serializer = interface.get_signing_serializer(app)
    assert serializer is not None
    return serializer


def test_flask_and_the_service_read_each_others_cookies(app):
    ours = _serializer(app.session_interface, app)
    flasks = _serializer(SecureCookieSessionInterface(), app)
    assert isinstance(app.session_interface, SessionInterface)
    assert ours.loads(flasks.dumps(SESSION)) == SESSION
    assert flasks.loads(ours.dumps(SESSION)) == SESSION
    # The same key derivation and signature: the same bytes for the same payload.
    assert ours.make_signer(ours.salt).get_signature(b"x") == flasks.make_signer(
        flasks.salt
    ).get_signature(b"x")


def test_a_cookie_signed_with_a_retired_key_is_read_and_a_changed_key_is_followed(app):
    signed_before = _serializer(SecureCookieSessionInterface(), app).dumps(SESSION)
    retired = app.secret_key
    app.secret_key = "a-new-key-for-this-test-only"
    app.config["SECRET_KEY_FALLBACKS"] = [retired]
    ours = _serializer(app.session_interface, app)
    assert ours.loads(signed_before) == SESSION
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert _serializer(app.session_interface, app).loads(ours.dumps(SESSION)) == SESSION
    assert _serializer(app.session_interface, app) is not ours


def test_a_tampered_cookie_is_an_empty_session(app):
    cookie = _serializer(app.session_interface, app).dumps(SESSION)
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie[:-2] + "xx")
    with client.session_transaction() as session:
        assert dict(session) == {}


def test_the_csrf_token_signed_here_is_one_flask_wtf_accepts(app_factory):
    from flask import g
    from flask_wtf.csrf import generate_csrf, validate_csrf

    from survey_app.web.csrf_token import signed_csrf_token

    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.test_request_context("/s/"):
        token = signed_csrf_token()
        assert generate_csrf() == token  # Flask-WTF's forms take the request's token from g
        validate_csrf(token)
        del g.csrf_token
        validate_csrf(generate_csrf())  # and the other way: the same session's raw token
        assert signed_csrf_token() == g.csrf_token
