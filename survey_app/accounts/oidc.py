"""Single sign-on through the region's identity provider: OpenID Connect, code flow with PKCE.

Authlib builds the authorization request (with PKCE) and redeems the code; the ID token is
checked here against the provider's published keys: signature, issuer, audience, expiry, and
the nonce of this browser's own sign-in, which is used once. Only an existing, active staff
account signs in this way (the configured claim names its e-mail): no account, role or team
ever comes from a claim.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask, current_app, session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from survey_app.accounts.authentication import find_user
from survey_app.config import RELAXED_ENVIRONMENTS, ConfigurationError
from survey_app.models import User

FLOW_KEY = "staff_sso_flow"
#: How long the person may take at the identity provider.
FLOW_SECONDS = 10 * 60
#: Provider metadata and keys are fetched again after this long (keys rotate).
METADATA_SECONDS = 3600
#: Clock difference tolerated between the provider and this server.
LEEWAY_SECONDS = 60
#: Asymmetric signatures only: "none" and shared-secret HMAC are never accepted.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
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


def _timeout() -> float:
    return float(current_app.config["OIDC_TIMEOUT_SECONDS"])


def _fetch_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=_timeout(), follow_redirects=False)
        response.raise_for_status()
        found = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise SignInRefused(
            f"provider unreachable: {type(error).__name__}", unreachable=True
        ) from None
    if not isinstance(found, dict):
        raise SignInRefused("provider answered something else than a JSON object")
    return found


def _cached(name: str, url: str, *, refresh: bool = False) -> dict[str, Any]:
    cache: dict[str, tuple[float, dict[str, Any]]] = current_app.extensions[CACHE_KEY]
    found = cache.get(name)
    if found is None or refresh or time.monotonic() - found[0] > METADATA_SECONDS:
        found = (time.monotonic(), _fetch_json(url))
        cache[name] = found
    return found[1]


def metadata() -> dict[str, Any]:
    url = str(current_app.config["OIDC_DISCOVERY_URL"])
    found = _cached("metadata", url)
    issuer = url[: -len(DISCOVERY_SUFFIX)]
    # OpenID Connect Discovery §4.3: the issuer must be the one the document was fetched for.
    if found.get("issuer") != issuer:
        raise SignInRefused("discovery document names another issuer")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(found.get(name), str):
            raise SignInRefused(f"discovery document lacks {name}")
    return found


def _client(redirect_uri: str) -> OAuth2Session:
    config = current_app.config
    return OAuth2Session(
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"],
        scope=config["OIDC_SCOPES"],
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=_timeout(),
    )


def authorization_url(redirect_uri: str, next_page: str | None) -> str:
    """Where to send the browser; the state, nonce and PKCE verifier wait in the session."""
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    with _client(redirect_uri) as client:
        url, _state = client.create_authorization_url(
            metadata()["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    session[FLOW_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "since": time.time(),
        "next": next_page,
    }
    return str(url)


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


def _keys(refresh: bool = False) -> KeySet:
    found = _cached("jwks", str(metadata()["jwks_uri"]), refresh=refresh)
    try:
        return KeySet.import_key_set(found)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise SignInRefused(f"provider keys unreadable: {type(error).__name__}") from None


def verified_claims(id_token: str, nonce: str) -> dict[str, Any]:
    """The ID token's claims after every check OpenID Connect Core §3.1.3.7 asks for."""
    registry = JWSRegistry(algorithms=ALGORITHMS)
    try:
        try:
            token = jwt.decode(id_token, _keys(), algorithms=ALGORITHMS, registry=registry)
        except JoseError:  # perhaps a key the provider has rotated in since we fetched them
            token = jwt.decode(
                id_token, _keys(refresh=True), algorithms=ALGORITHMS, registry=registry
            )
    except (JoseError, ValueError) as error:
        raise SignInRefused(f"ID token signature: {type(error).__name__}") from None
    claims = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": metadata()["issuer"]},
        aud={"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        claims.validate(token.claims)
    except JoseError as error:
        claim = getattr(error, "claim", "")
        raise SignInRefused(f"ID token claims: {error.error} {claim}".strip()) from None
    audience = token.claims["aud"]
    azp = token.claims.get("azp")
    if isinstance(audience, list) and len(audience) > 1 and azp is None:
        raise SignInRefused("ID token claims: azp missing with several audiences")
    if azp is not None and azp != current_app.config["OIDC_CLIENT_ID"]:
        raise SignInRefused("ID token claims: azp is another client")
    return dict(token.claims)


def complete(state: str | None, code: str | None, error: str | None, redirect_uri: str) -> SignedIn:
    """Finish the sign-in the provider sent the browser back from."""
    flow = _take_flow(state)
    if error:
        raise SignInRefused(f"provider answered {error[:40]}")
    if not code:
        raise SignInRefused("no code")
    try:
        with _client(redirect_uri) as client:
            token = client.fetch_token(
                metadata()["token_endpoint"],
                code=code,
                code_verifier=flow["verifier"],
                redirect_uri=redirect_uri,
            )
    except AuthlibBaseError as refused:
        raise SignInRefused(f"token endpoint: {refused.error}") from None
    except (requests.RequestException, ValueError) as failed:
        raise SignInRefused(f"token endpoint: {type(failed).__name__}", unreachable=True) from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("no ID token")
    claims = verified_claims(id_token, str(flow["nonce"]))
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
