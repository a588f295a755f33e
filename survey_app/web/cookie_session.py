"""Flask's signed-cookie session, with the per-request work it does not need taken out.

Every request opens the session and many save it. Flask builds a new itsdangerous serializer
for each, derives the signing key again (an HMAC through Python's pure-Python HMAC path, as
Flask names its SHA-1 by a Python function) and zlib-compresses a payload of a few dozen
bytes (setting up zlib's tables costs more than the rest of the signing). Here the serializer
is built once per key set, the derived keys are kept, HMACs are OpenSSL's one-shot, and the
payload goes uncompressed.

The cookies are the same format: the same key derivation (HMAC-SHA1 of the salt), the same
signature, and itsdangerous reads an uncompressed payload as it always has, so sessions
signed before a deploy stay valid, and after it, under Flask's own interface as well.
"""

from __future__ import annotations

import hmac
from functools import lru_cache
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import Serializer, TimestampSigner, URLSafeTimedSerializer, want_bytes
from itsdangerous.encoding import base64_encode
from itsdangerous.signer import HMACAlgorithm


@lru_cache(maxsize=32)
def _derived_key(secret_key: bytes, salt: bytes) -> bytes:
    """itsdangerous's "hmac" key derivation with SHA-1: HMAC(secret key, salt)."""
    return hmac.digest(secret_key, salt, "sha1")


class _Sha1Hmac(HMACAlgorithm):
    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, "sha1")


class _Signer(TimestampSigner):
    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        return _derived_key(key, self.salt)


class UncompressedSerializer(URLSafeTimedSerializer):
    """itsdangerous's URL-safe timed serializer that never tries zlib on the payload (it reads
    a compressed one as before)."""

    def dump_payload(self, obj: Any) -> bytes:
        # URL-safe base64 of the JSON: a session or a CSRF token is a few dozen bytes.
        return base64_encode(Serializer.dump_payload(self, obj))


class _Serializer(UncompressedSerializer):
    default_signer = _Signer


class SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session; one serializer per set of keys, kept."""

    def __init__(self) -> None:
        self._serializer: tuple[tuple[Any, ...], URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # Oldest first, current last: itsdangerous signs with the last and tries them all.
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        if self._serializer is None or self._serializer[0] != keys:
            if self.key_derivation != "hmac":
                raise RuntimeError("this session interface derives keys by HMAC only")
            serializer = _Serializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={"algorithm": _Sha1Hmac()},
            )
            self._serializer = (keys, serializer)
        return self._serializer[1]


def init_cookie_session(app: Flask) -> None:
    app.session_interface = SessionInterface()
