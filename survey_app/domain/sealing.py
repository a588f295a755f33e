"""Sealed answers and keyed marks: what the database holds of a family is useless without the key.

During a collection window answers (drafts and submitted responses) are stored sealed with
AES-GCM, and the facts "this invitation opened / started / answered" are stored as keyed marks
(HMAC-SHA256 of the invitation id), never as a column of the invitation. Someone holding the
database, a backup or the WAL sees sealed blobs of one size and random-looking marks: not which
invitation answered, not what, not when. The running service, which has the key, can still stop
a second answer and a reminder to someone who has answered. At close the answers are released
in groups of at least MIN_GROUP_SIZE (survey_app.domain.release) and the marks are deleted.

The keys are derived from SECRET_KEY, which lives in the environment file and never in the
database or its backups. Flask's SECRET_KEY_FALLBACKS are tried when opening, so a key can be
rotated; an old key must stay in the fallbacks until every window that was open under it has
closed, or its sealed answers cannot be released (close then stops with a message saying so).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

EXTENSION_KEY = "survey_sealing"
FORMAT = 1
#: Sealed plaintexts are padded to a multiple of this, so a blob's size does not tell a
#: guardian's answers from a child's, nor a short comment from none.
PAD_TO = 2048
_HEADER = struct.Struct(">BI")  # format, key id
_NONCE_BYTES = 12


class SealError(RuntimeError):
    """A sealed value cannot be opened with any configured key (or was tampered with)."""


def _derive(secret: str | bytes, purpose: bytes) -> bytes:
    material = secret.encode() if isinstance(secret, str) else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(material)


@dataclass(frozen=True)
class KeyPair:
    """The sealing key and the marking key derived from one secret, and a short id for it."""

    id: int
    seal: AESGCM
    mark: bytes


@dataclass(frozen=True)
class Keys:
    """The current key first, then the fallbacks (tried when opening and looking up marks)."""

    pairs: tuple[KeyPair, ...]

    @classmethod
    def from_secrets(cls, secrets: Sequence[str | bytes]) -> Keys:
        pairs = []
        for secret in secrets:
            seal = _derive(secret, b"sip-followup seal v1")
            key_id = int.from_bytes(hashlib.sha256(seal).digest()[:4], "big")
            pairs.append(KeyPair(key_id, AESGCM(seal), _derive(secret, b"sip-followup mark v1")))
        return cls(tuple(pairs))

    @property
    def current(self) -> KeyPair:
        return self.pairs[0]


def init_sealing(app: Flask) -> None:
    secrets = [app.config["SECRET_KEY"], *(app.config.get("SECRET_KEY_FALLBACKS") or ())]
    app.extensions[EXTENSION_KEY] = Keys.from_secrets([s for s in secrets if s])


def _keys() -> Keys:
    return cast(Keys, current_app.extensions[EXTENSION_KEY])


def seal(payload: dict[str, Any], context: str) -> bytes:
    """Encrypt a JSON payload, padded; `context` binds it to its place (it must be the same
    when opening), so a blob copied to another row does not open there."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    framed = struct.pack(">I", len(data)) + data
    framed += b"\0" * (-len(framed) % PAD_TO)
    key = _keys().current
    nonce = os.urandom(_NONCE_BYTES)
    sealed = key.seal.encrypt(nonce, framed, context.encode())
    return _HEADER.pack(FORMAT, key.id) + nonce + sealed


def unseal(blob: bytes, context: str) -> dict[str, Any]:
    """Open a sealed payload with the key it was sealed with (current or a fallback)."""
    if len(blob) < _HEADER.size + _NONCE_BYTES:
        raise SealError("not a sealed value")
    version, key_id = _HEADER.unpack_from(blob)
    if version != FORMAT:
        raise SealError(f"unknown sealed format {version}")
    nonce = blob[_HEADER.size : _HEADER.size + _NONCE_BYTES]
    for key in _keys().pairs:
        if key.id != key_id:
            continue
        try:
            framed = key.seal.decrypt(nonce, blob[_HEADER.size + _NONCE_BYTES :], context.encode())
        except InvalidTag as error:
            raise SealError("a sealed value does not match its place or was changed") from error
        (length,) = struct.unpack_from(">I", framed)
        return cast(dict[str, Any], json.loads(framed[4 : 4 + length]))
    raise SealError(
        "a sealed value was made with a key that is not configured: put the SECRET_KEY it was "
        "made under in SECRET_KEY_FALLBACKS"
    )


def mark(purpose: str, invitation_id: int) -> str:
    """The current key's mark for one fact about one invitation (hex, 64 characters)."""
    return _mark_with(_keys().current.mark, purpose, invitation_id)


def marks(purpose: str, invitation_id: int) -> tuple[str, ...]:
    """The mark under every configured key (to look up one made before a key change)."""
    return tuple(_mark_with(key.mark, purpose, invitation_id) for key in _keys().pairs)


def _mark_with(key: bytes, purpose: str, invitation_id: int) -> str:
    # hmac.digest: OpenSSL's one-shot HMAC (the same value as hmac.new(…).hexdigest(), a
    # fraction of the work; a page makes several marks).
    return hmac.digest(key, f"{purpose}:{invitation_id}".encode(), "sha256").hex()
