"""A stand-in for the region's identity provider on 127.0.0.1, speaking OpenID Connect.

Discovery (/.well-known/openid-configuration), authorize (code flow, PKCE S256), token
(client_secret_basic, codes used once, redirect_uri and verifier checked) and JWKS, with ID
tokens really signed (RS256). A test sets who signs in (`person`) and can spoil what the
provider answers (`spoil`: claims to override, another signing key, no signature).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "sip-uppfoljning"
CLIENT_SECRET = "stand-in-client-secret"
REDIRECT_URI = "https://enkat.example.se/staff/login/sso/callback"


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    claims: dict[str, Any]
    used: bool = False


@dataclass
class Spoil:
    """What the provider gets wrong on purpose."""

    claims: dict[str, Any] = field(default_factory=dict)
    other_key: bool = False
    unsigned: bool = False
    nonce: str | None = None


class IdentityProvider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "region-1"}, private=True)
        self.impostor = RSAKey.generate_key(2048, parameters={"kid": "region-1"}, private=True)
        self.person: dict[str, Any] = {}
        self.spoil = Spoil()
        self.grants: dict[str, Grant] = {}
        self.token_requests = 0
        self.nonces: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(
                self, status: int, body: Any = None, headers: dict[str, str] | None = None
            ) -> None:
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.discovery())
                elif url.path == "/jwks":
                    self._send(200, {"keys": [provider.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    status, headers = provider.authorize(query)
                    self._send(
                        status, {"error": "invalid_request"} if status != 302 else None, headers
                    )
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    self._send(404, {"error": "not_found"})
                    return
                status, body = provider.token(form, self.headers.get("Authorization", ""))
                self._send(status, body, {"Cache-Control": "no-store"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def discovery_url(self) -> str:
        return f"{self.origin}/.well-known/openid-configuration"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.origin,
            "authorization_endpoint": f"{self.origin}/authorize",
            "token_endpoint": f"{self.origin}/token",
            "jwks_uri": f"{self.origin}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str]]:
        if (
            query.get("response_type") != "code"
            or query.get("client_id") != CLIENT_ID
            or query.get("redirect_uri") != REDIRECT_URI
            or "openid" not in query.get("scope", "").split()
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
            or not query.get("nonce")
        ):
            return 400, {}
        code = secrets.token_urlsafe(24)
        self.nonces.append(query["nonce"])
        self.grants[code] = Grant(
            CLIENT_ID, REDIRECT_URI, query["nonce"], query["code_challenge"], dict(self.person)
        )
        location = f"{REDIRECT_URI}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return 302, {"Location": location}

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 401, {"error": "invalid_client"}
        grant = self.grants.get(form.get("code", ""))
        if form.get("grant_type") != "authorization_code" or grant is None or grant.used:
            return 400, {"error": "invalid_grant"}
        grant.used = True  # a code works once, also when the exchange fails below
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if form.get("redirect_uri") != grant.redirect_uri or challenge.decode() != grant.challenge:
            return 400, {"error": "invalid_grant"}
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant),
        }

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.origin,
            "sub": "region-person-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": self.spoil.nonce or grant.nonce,
            **grant.claims,
            **self.spoil.claims,
        }
        if self.spoil.unsigned:
            header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=")
            body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
            return f"{header.decode()}.{body.decode()}."
        key = self.impostor if self.spoil.other_key else self.key
        return jwt.encode({"alg": "RS256", "kid": "region-1"}, claims, key)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Stop answering (idempotent: a test may stop it early)."""
        if not self.thread.is_alive():
            return
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
