"""Single sign-on through the region's identity provider: OpenID Connect, code flow with PKCE.

This module keeps the browser's side of the flow: the state, nonce and PKCE verifier wait in
the session and are used once, and only an existing, active staff account signs in this way
(the configured claim names its e-mail): no account, role or team ever comes from a claim.
survey_app.accounts.oidc_provider speaks to the provider: Authlib builds the authorization
request and redeems the code, and the ID token is checked against the provider's published
keys (signature, issuer, audience, expiry and this sign-in's nonce).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, session

from survey_app.accounts.authentication import find_user
from survey_app.config import RELAXED_ENVIRONMENTS, ConfigurationError
from survey_app.models import User

FLOW_KEY = "staff_sso_flow"
#: How long the person may take at the identity provider.
FLOW_SECONDS = 10 * 60
CACHE_KEY = "survey_oidc_cache"
SETTINGS = ("OIDC_DISCOVERY_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


class SignInRefused(Exception):
    """The sign-in cannot be completed; `reason` is for the audit trail, never for the page."""

    def __init__(self, reason: str, *, unreachable: bool = False, user: User | None = None):
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable
        self.user = user


@dataclass(frozen=True)
class SignedIn:
    user: User
    #: The provider says it asked for a second factor (an `amr` value in OIDC_MFA_AMR).
    second_factor_done: bool
    next_page: str | None


def enabled(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return all(config.get(name) for name in SETTINGS)


def init_oidc(app: Flask) -> None:
    """Check the settings at start: all three or none; https outside development and tests."""
    given = [name for name in SETTINGS if app.config.get(name)]
    if given and len(given) < len(SETTINGS):
        missing = ", ".join(name for name in SETTINGS if name not in given)
        raise ConfigurationError(f"single sign-on needs {missing} as well (or none of them)")
    url = str(app.config.get("OIDC_DISCOVERY_URL") or "")
    if url and not url.endswith(DISCOVERY_SUFFIX):
        raise ConfigurationError(f"OIDC_DISCOVERY_URL={url!r} must end in {DISCOVERY_SUFFIX}")
    if (
        url
        and not url.startswith("https://")
        and app.config["SURVEY_ENV"] not in (RELAXED_ENVIRONMENTS)
    ):
        raise ConfigurationError(f"OIDC_DISCOVERY_URL={url!r} must use https://")
    app.extensions[CACHE_KEY] = {}


def authorization_url(redirect_uri: str, next_page: str | None) -> str:
    """Where to send the browser; the state, nonce and PKCE verifier wait in the session."""
    from survey_app.accounts import oidc_provider  # loaded on first use: see its docstring

    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    url = oidc_provider.authorization_request(
        redirect_uri, state=state, nonce=nonce, verifier=verifier
    )
    session[FLOW_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "since": time.time(),
        "next": next_page,
    }
    return url


def _take_flow(state: str | None) -> dict[str, Any]:
    """This browser's sign-in in progress, removed from the session: a callback works once."""
    flow = session.pop(FLOW_KEY, None)
    if not isinstance(flow, dict) or not state:
        raise SignInRefused("no sign-in in progress in this browser")
    if not secrets.compare_digest(str(flow.get("state", "")), state):
        raise SignInRefused("state does not match")
    since = flow.get("since")
    if not isinstance(since, int | float) or time.time() - since > FLOW_SECONDS:
        raise SignInRefused("sign-in took too long")
    return flow


def complete(state: str | None, code: str | None, error: str | None, redirect_uri: str) -> SignedIn:
    """Finish the sign-in the provider sent the browser back from."""
    from survey_app.accounts import oidc_provider  # loaded on first use: see its docstring

    flow = _take_flow(state)
    if error:
        raise SignInRefused(f"provider answered {error[:40]}")
    if not code:
        raise SignInRefused("no code")
    id_token = oidc_provider.redeem_code(redirect_uri, code, str(flow["verifier"]))
    claims = oidc_provider.verified_claims(id_token, str(flow["nonce"]))
    return SignedIn(_account(claims), _second_factor_done(claims), flow.get("next"))


def _account(claims: dict[str, Any]) -> User:
    claim = str(current_app.config["OIDC_EMAIL_CLAIM"])
    email = claims.get(claim)
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused(f"claim {claim} missing")
    if claim == "email" and claims.get("email_verified") is False:
        raise SignInRefused("e-mail not verified by the provider")
    user = find_user(email)
    if user is None or not user.active:
        raise SignInRefused("no active account for the claim", user=user)
    return user


def _second_factor_done(claims: dict[str, Any]) -> bool:
    methods = claims.get("amr")
    accepted = {v.strip() for v in str(current_app.config["OIDC_MFA_AMR"]).split(",") if v.strip()}
    return isinstance(methods, list) and bool(accepted & {str(m) for m in methods})
