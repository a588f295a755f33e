"""Single sign-on through the region's identity provider, against a stand-in that speaks OIDC."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from survey_app.config import ConfigurationError
from survey_app.extensions import db
from survey_app.models import AuditEvent, User

from .identity_provider import CLIENT_ID, CLIENT_SECRET, IdentityProvider, Spoil
from .signin import code_for

REFUSED = "Inloggningen via Region Västerbottens inloggning gick inte att slutföra"


@pytest.fixture
def provider() -> Iterator[IdentityProvider]:
    stand_in = IdentityProvider()
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def sso_app(app_factory: Callable[..., Flask], app: Flask, provider: IdentityProvider) -> Flask:
    return app_factory(
        OIDC_DISCOVERY_URL=provider.discovery_url,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
    )


def _to_provider(client: FlaskClient) -> str:
    """Press "Logga in med …": the address of the provider's authorize endpoint."""
    start = client.get("/staff/login/sso")
    assert start.status_code == 302, start.text
    location = start.headers["Location"]
    assert location.startswith(client.application.config["OIDC_DISCOVERY_URL"].split("/.well")[0])
    return location


def _at_provider(authorize_url: str) -> str:
    """The person signs in at the provider, which sends the browser back: path and query."""
    answer = httpx.get(authorize_url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def sign_in(client: FlaskClient, provider: IdentityProvider, **person: Any) -> Any:
    provider.person = {"email_verified": True, **person}
    return client.get(_at_provider(_to_provider(client)))


def _refusals() -> list[str]:
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "sso_login_refused")
    ).all()
    return [str(event.details["reason"]) for event in events]


def test_an_existing_account_signs_in_through_the_provider(
    sso_app: Flask, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    user = make_user(
        "coordinator", teams=("HLT Åsele",), email="anna.andersson@regionvasterbotten.se"
    )
    client = sso_app.test_client()
    login_page = client.get("/staff/login").text
    assert "Logga in med Region Västerbottens inloggning" in login_page
    response = sign_in(client, provider, email="Anna.Andersson@RegionVasterbotten.se")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login_succeeded"))
    assert event is not None
    assert (event.object_id, event.details) == (str(user.id), {"via": "sso"})


def test_the_page_asked_for_is_reached_after_the_provider(
    sso_app: Flask, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    client = sso_app.test_client()
    provider.person = {"email": user.email}
    start = client.get("/staff/login/sso?next=/staff/password")
    response = client.get(_at_provider(start.headers["Location"]))
    assert response.headers["Location"].endswith("/staff/password")


@pytest.mark.parametrize(
    ("amr", "enrolled", "lands_on"),
    [
        (["pwd", "mfa"], False, "/staff/"),  # the provider asked for a second factor
        (["pwd"], True, "/staff/login/code"),  # it did not: the app's code, as with a password
        (["pwd"], False, "/staff/"),  # signed in, but sent to enrol an app before anything else
        (None, True, "/staff/login/code"),
    ],
)
def test_admins_need_a_second_factor_from_the_provider_or_their_app(
    sso_app: Flask,
    provider: IdentityProvider,
    make_user: Callable[..., User],
    amr: list[str] | None,
    enrolled: bool,
    lands_on: str,
) -> None:
    admin = make_user("admin", second_factor=enrolled)
    client = sso_app.test_client()
    person = {"email": admin.email} | ({"amr": amr} if amr is not None else {})
    response = sign_in(client, provider, **person)
    assert response.headers["Location"].endswith(lands_on)
    home = client.get("/staff/")
    if amr and "mfa" in amr:
        assert home.status_code == 200
    elif enrolled:
        assert home.status_code == 302  # not signed in until the code
        code = client.post("/staff/login/code", data={"code": code_for(admin)})
        assert code.headers["Location"].endswith("/staff/")
        assert client.get("/staff/").status_code == 200
    else:
        assert home.headers["Location"].endswith("/staff/account/second-factor")


def test_no_account_is_ever_created_from_a_claim(
    sso_app: Flask, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    make_user("admin")
    client = sso_app.test_client()
    response = sign_in(
        client, provider, email="ny.person@regionvasterbotten.se", role="admin", groups=["admin"]
    )
    assert response.status_code == 400
    assert "här finns inget aktivt konto för dig" in response.text
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert client.get("/staff/").status_code == 302
    assert _refusals() == ["no active account for the claim"]


def test_a_disabled_account_cannot_sign_in_through_the_provider(
    sso_app: Flask, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",), active=False)
    response = sign_in(sso_app.test_client(), provider, email=user.email)
    assert response.status_code == 400
    assert "inget aktivt konto" in response.text


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (Spoil(claims={"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}), "exp"),
        (Spoil(claims={"iss": "https://inte-regionen.example"}), "iss"),
        (Spoil(claims={"aud": "en-annan-tjanst"}), "aud"),
        (Spoil(claims={"aud": ["en-annan-tjanst", CLIENT_ID], "azp": "en-annan-tjanst"}), "azp"),
        (Spoil(other_key=True), "signature"),
        (Spoil(unsigned=True), "signature"),
        (Spoil(nonce="en-gammal-nonce-fran-en-annan-inloggning"), "nonce"),
        (Spoil(claims={"email_verified": False}), "not verified"),
    ],
    ids=["expired", "wrong issuer", "wrong audience", "another client", "bad signature",
         "unsigned", "wrong nonce", "unverified e-mail"],
)  # fmt: skip
def test_a_spoiled_id_token_is_refused(
    sso_app: Flask,
    provider: IdentityProvider,
    make_user: Callable[..., User],
    spoil: Spoil,
    reason: str,
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    provider.spoil = spoil
    client = sso_app.test_client()
    response = sign_in(client, provider, email=user.email)
    assert response.status_code == 400
    assert REFUSED in response.text
    assert "Traceback" not in response.text
    assert client.get("/staff/").status_code == 302
    [refusal] = _refusals()
    assert reason in refusal


def test_a_replayed_nonce_is_refused(
    sso_app: Flask, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    """An ID token from an earlier sign-in carries that sign-in's nonce: it opens nothing."""
    user = make_user("coordinator", teams=("HLT Åsele",))
    first = sso_app.test_client()
    assert sign_in(first, provider, email=user.email).status_code == 302
    earlier_nonce = provider.nonces[-1]
    provider.spoil = Spoil(nonce=earlier_nonce)
    second = sso_app.test_client()
    response = sign_in(second, provider, email=user.email)
    assert response.status_code == 400
    assert second.get("/staff/").status_code == 302
    assert _refusals() == ["ID token claims: invalid_claim nonce"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"code": "en-gissad-kod"}, "token endpoint: invalid_grant"),
        ({"state": "en-annan-state"}, "state does not match"),
        ({"code": None}, "no code"),
        ({"state": None}, "no sign-in in progress in this browser"),
        ({"error": "access_denied", "code": None}, "provider answered access_denied"),
    ],
    ids=["wrong code", "wrong state", "no code", "no state", "provider error"],
)
def test_a_tampered_callback_is_refused(
    sso_app: Flask,
    provider: IdentityProvider,
    make_user: Callable[..., User],
    change: dict[str, str | None],
    reason: str,
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    provider.person = {"email": user.email}
    client = sso_app.test_client()
    back = urlsplit(_at_provider(_to_provider(client)))
    query = {k: v[0] for k, v in parse_qs(back.query).items()} | change
    response = client.get(f"{back.path}?{urlencode({k: v for k, v in query.items() if v})}")
    assert response.status_code == 400
    assert REFUSED in response.text
    assert client.get("/staff/").status_code == 302
    assert _refusals() == [reason]


def test_a_code_works_once(
    sso_app: Flask, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    provider.person = {"email": user.email}
    client = sso_app.test_client()
    callback = _at_provider(_to_provider(client))
    assert client.get(callback).status_code == 302
    client.post("/staff/logout")
    # The same callback again: its state was used up in this browser.
    assert client.get(callback).status_code == 400
    # Even inside a new sign-in of the same browser the used code is refused by the provider.
    fresh = urlsplit(_at_provider(_to_provider(client)))
    state = parse_qs(fresh.query)["state"][0]
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    replay = client.get(f"{fresh.path}?{urlencode({'code': old_code, 'state': state})}")
    assert replay.status_code == 400
    assert client.get("/staff/").status_code == 302
    assert _refusals() == [
        "no sign-in in progress in this browser",
        "token endpoint: invalid_grant",
    ]


def test_an_unreachable_provider_is_explained(sso_app: Flask, provider: IdentityProvider) -> None:
    provider.stop()
    response = sso_app.test_client().get("/staff/login/sso")
    assert response.status_code == 503
    assert "svarar inte just nu" in response.text


def test_without_settings_there_is_no_single_sign_on(client: FlaskClient) -> None:
    assert "Logga in med" not in client.get("/staff/login").text
    assert client.get("/staff/login/sso").status_code == 404
    assert client.get("/staff/login/sso/callback?code=x&state=y").status_code == 404


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"OIDC_CLIENT_ID": "x"}, "single sign-on needs OIDC_DISCOVERY_URL, OIDC_CLIENT_SECRET"),
        (
            {"OIDC_DISCOVERY_URL": "https://idp.example/", "OIDC_CLIENT_ID": "x",
             "OIDC_CLIENT_SECRET": "y"},
            "must end in /.well-known/openid-configuration",
        ),
        (
            {"SURVEY_ENV": "production", "SECRET_KEY": "x" * 40, "SMS_GATEWAY": "46elks",
             "ELKS_API_USER": "u", "ELKS_API_PASSWORD": "p", "SMS_SENDER": "RegionVbtn",
             "OIDC_DISCOVERY_URL": "http://idp.example/.well-known/openid-configuration",
             "OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y"},
            "must use https://",
        ),
    ],
)  # fmt: skip
def test_incomplete_or_unsafe_settings_stop_the_start(
    app_factory: Callable[..., Flask], settings: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        app_factory(**settings)
