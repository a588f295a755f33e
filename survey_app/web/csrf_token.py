"""The signed CSRF token of a request, as Flask-WTF makes it, without its per-call set-up.

Flask-WTF signs the session's token once a request (`generate_csrf`, kept in g) with a new
itsdangerous serializer each time, which zlib-compresses the 42-byte payload: setting up
zlib's tables is most of the cost. This makes the same token (same salt, key, key derivation
and signature, so Flask-WTF's `validate_csrf` checks it as its own) with a serializer kept per
key and an uncompressed payload, and leaves it in g where Flask-WTF's forms and
`csrf_token()` find it.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import current_app, g, session

from survey_app.web.cookie_session import UncompressedSerializer


@lru_cache(maxsize=8)
def _serializer(secret_key: str | bytes) -> UncompressedSerializer:
    return UncompressedSerializer(secret_key, salt="wtf-csrf-token")  # Flask-WTF's salt


def signed_csrf_token() -> str:
    """This request's signed token (Flask-WTF's `generate_csrf` with its default arguments)."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token: str | None = g.get(field)
    if token is None:
        signer = _serializer(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)
        if field not in session:
            session[field] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 (as Flask-WTF)
        try:
            token = signer.dumps(session[field])
        except TypeError:  # a session value that is not the token (as Flask-WTF)
            session[field] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324
            token = signer.dumps(session[field])
        setattr(g, field, token)
    return token
