"""Personal link tokens: 128 random bits; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import re
import secrets

#: token_urlsafe(16) gives 22 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{22}$")


def new_token() -> str:
    return secrets.token_urlsafe(16)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(candidate: str) -> bool:
    return bool(TOKEN_PATTERN.match(candidate))
