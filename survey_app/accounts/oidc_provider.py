"""The wire side of single sign-on: the provider's discovery document and keys, the
authorization request, the code redeemed for tokens, and the ID token's checks.

Its libraries (Authlib with requests, joserfc, httpx: about 15 MB resident) load the first time
a member of staff signs in this way, not in every web worker at start: survey_app.accounts.oidc
imports this module inside the two functions that need it.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from survey_app.accounts.oidc import CACHE_KEY, DISCOVERY_SUFFIX, SignInRefused

#: Provider metadata and keys are fetched again after this long (keys rotate).
METADATA_SECONDS = 3600
#: Clock difference tolerated between the provider and this server.
LEEWAY_SECONDS = 60
#: Asymmetric signatures only: "none" and shared-secret HMAC are never accepted.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


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


def authorization_request(redirect_uri: str, *, state: str, nonce: str, verifier: str) -> str:
    """The provider's authorization URL for this sign-in (PKCE, S256)."""
    with _client(redirect_uri) as client:
        url, _state = client.create_authorization_url(
            metadata()["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    return str(url)


def redeem_code(redirect_uri: str, code: str, verifier: str) -> str:
    """The ID token the token endpoint gives for this code."""
    try:
        with _client(redirect_uri) as client:
            token = client.fetch_token(
                metadata()["token_endpoint"],
                code=code,
                code_verifier=verifier,
                redirect_uri=redirect_uri,
            )
    except AuthlibBaseError as refused:
        raise SignInRefused(f"token endpoint: {refused.error}") from None
    except (requests.RequestException, ValueError) as failed:
        raise SignInRefused(f"token endpoint: {type(failed).__name__}", unreachable=True) from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("no ID token")
    return id_token


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
