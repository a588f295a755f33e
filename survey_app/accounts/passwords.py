"""Staff passwords: argon2id hashes, rehashed on login when the parameters change."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 256

#: argon2-cffi's defaults follow RFC 9106's second recommendation; one hasher for the process.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; False for a mismatch or an unreadable hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-only-here-to-spend-the-same-time")


def spend_verification_time(password: str) -> None:
    """Do the work of a real check, so an unknown e-mail answers as slowly as a wrong password."""
    verify_password(_dummy_hash(), password)


def session_stamp(password_hash: str) -> str:
    """A short keyed digest of the hash: a new password makes older sessions invalid."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, password_hash.encode(), hashlib.sha256).hexdigest()[:16]


def password_problem(password: str, email: str) -> str | None:
    """Why a new password is not acceptable (a message for the person), or None."""
    if len(password) < MIN_LENGTH:
        return _("Lösenordet måste ha minst %(count)s tecken.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Lösenordet får ha högst %(count)s tecken.", count=MAX_LENGTH)
    if password.strip().lower() == email.strip().lower():
        return _("Lösenordet får inte vara din e-postadress.")
    return None
