"""The session cookie keeps Flask's format: cookies signed before a deploy stay valid, and after."""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

from survey_app.web.cookie_session import SessionInterface

SESSION = {"invitation": 123, "csrf_token": "ab" * 20, "completed": 123}


def test_flask_and_the_service_read_each_others_cookies(app):
    ours = app.session_interface.get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    assert isinstance(app.session_interface, SessionInterface)
    assert ours.loads(flasks.dumps(SESSION)) == SESSION
    assert flasks.loads(ours.dumps(SESSION)) == SESSION
    # The same key derivation and signature: the same bytes for the same payload.
    assert ours.make_signer(ours.salt).get_signature(b"x") == flasks.make_signer(
        flasks.salt
    ).get_signature(b"x")


def test_a_cookie_signed_with_a_retired_key_is_read_and_a_changed_key_is_followed(app):
    signed_before = SecureCookieSessionInterface().get_signing_serializer(app).dumps(SESSION)
    retired = app.secret_key
    app.secret_key = "a-new-key-for-this-test-only"
    app.config["SECRET_KEY_FALLBACKS"] = [retired]
    ours = app.session_interface.get_signing_serializer(app)
    assert ours.loads(signed_before) == SESSION
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert app.session_interface.get_signing_serializer(app).loads(ours.dumps(SESSION)) == SESSION
    assert app.session_interface.get_signing_serializer(app) is not ours


def test_a_tampered_cookie_is_an_empty_session(app):
    cookie = app.session_interface.get_signing_serializer(app).dumps(SESSION)
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie[:-2] + "xx")
    with client.session_transaction() as session:
        assert dict(session) == {}
