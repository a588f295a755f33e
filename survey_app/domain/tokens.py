"""Personal link tokens: 128 random bits; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import re
import secrets

#: token_urlsafe(16) gives 22 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{22}$")
#: A printed link is typed by hand: letters and digits that cannot be taken for one another
#: (no 0/O, 1/l/I, no - or _). 57 symbols, so 22 of them carry 128.3 bits, like an SMS token,
#: and the token still has the shape every link has.
TYPEABLE_ALPHABET = "".join(
    sorted(set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") - set("0O1lI"))
)
TOKEN_LENGTH = 22


def new_token() -> str:
    return secrets.token_urlsafe(16)


def new_typeable_token() -> str:
    """A token for a link someone types from paper (same length and strength)."""
    return "".join(secrets.choice(TYPEABLE_ALPHABET) for _ in range(TOKEN_LENGTH))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(candidate: str) -> bool:
    return bool(TOKEN_PATTERN.match(candidate))
