"""Second factor: TOTP codes from an authenticator app (RFC 6238), and recovery codes.

Seeds are stored encrypted (AES-GCM, key derived from SECRET_KEY, bound to the account), so a
database backup alone cannot produce codes; recovery codes are stored as keyed hashes. A code
is accepted once: the step of the last accepted code is kept, and a code of that step or an
earlier one is refused, also when two workers see the same code at the same moment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, or_, select, update

from survey_app.extensions import db
from survey_app.models import RecoveryCode, SecondFactor, StaffRole, User, utcnow

ISSUER = "SIP-uppföljning"
STEP_SECONDS = 30
#: Codes of the previous and next step are accepted too: phone clocks drift.
DRIFT_STEPS = 1
#: Roles that must have a second factor (coordinators may choose one).
REQUIRED_FOR = frozenset({StaffRole.ADMIN, StaffRole.ANALYST})
RECOVERY_CODE_COUNT = 10
#: No 0/o, 1/l/i: read from paper and typed by hand. 16 characters: about 79 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS = 4
SEALED_PREFIX = "v1."


def required_for(user: User) -> bool:
    return user.role in REQUIRED_FOR


def _key(purpose: str, secret_key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"sip-uppfoljning {purpose}".encode()
    ).derive(secret_key.encode())


def _secret_keys() -> list[str]:
    """SECRET_KEY, then older keys still accepted (SECRET_KEY_FALLBACKS) after a rotation."""
    config = current_app.config
    fallbacks = config.get("SECRET_KEY_FALLBACKS") or []
    return [str(config["SECRET_KEY"]), *(str(key) for key in fallbacks)]


def seal(seed: str, user_id: int) -> str:
    """The seed encrypted for this account only."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key("totp seed", _secret_keys()[0])).encrypt(
        nonce, seed.encode(), f"user:{user_id}".encode()
    )
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(sealed: str, user_id: int) -> str | None:
    """The seed, or None when it cannot be read (another account's, or another key's)."""
    if not sealed.startswith(SEALED_PREFIX):
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed[len(SEALED_PREFIX) :])
    except ValueError:
        return None
    for secret_key in _secret_keys():
        try:
            seed = AESGCM(_key("totp seed", secret_key)).decrypt(
                raw[:12], raw[12:], f"user:{user_id}".encode()
            )
        except InvalidTag:
            continue
        return seed.decode()
    return None


def new_seed() -> str:
    """160 random bits in base32, as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def provisioning_uri(seed: str, email: str) -> str:
    return pyotp.TOTP(seed).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str, title: str) -> Markup:
    """The enrolment QR code as inline SVG: drawn here, no image service, no third party."""
    import segno  # only when enrolling a second factor (workers need not hold it)

    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, light="#fff", title=title)
    return Markup(svg)  # noqa: S704  (segno's own markup; the title is escaped by segno)


def grouped_seed(seed: str) -> str:
    """The seed in groups of four, for typing into an app by hand."""
    return " ".join(seed[i : i + 4] for i in range(0, len(seed), 4))


def digits(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "")


def _current_step(now: float | None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_matches(seed: str, code: str, now: float | None = None) -> int | None:
    """The step whose code this is (within the drift), or None."""
    code = digits(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(seed)
    current = _current_step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def accept_code(user: User, code: str, now: float | None = None) -> bool:
    """True when the code is right and newer than the last accepted one (recorded, once)."""
    factor = user.second_factor
    if factor is None:
        return False
    seed = unseal(factor.secret, user.id)
    step = code_matches(seed, code, now) if seed is not None else None
    if step is None:
        return False
    # One conditional UPDATE: of two requests with the same code only one gets the row.
    claimed = db.session.execute(
        update(SecondFactor)
        .where(SecondFactor.user_id == user.id)
        .where(or_(SecondFactor.last_step.is_(None), SecondFactor.last_step < step))
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    factor.last_step = step
    return True


def enrol(user: User, seed: str, step: int) -> list[str]:
    """Save the confirmed seed (its code of `step` is used up) and return new recovery codes."""
    user.second_factor = SecondFactor(secret=seal(seed, user.id), last_step=step)
    return new_recovery_codes(user)


def remove(user: User) -> None:
    user.second_factor = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _recovery_hash(code: str, secret_key: str | None = None) -> str:
    normalised = re.sub(r"[^a-z0-9]", "", code.lower())
    key = _key("recovery code", secret_key or _secret_keys()[0])
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes; the codes are shown once and never stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4 * RECOVERY_GROUPS))
        codes.append("-".join(raw[i : i + 4] for i in range(0, len(raw), 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(c)) for c in codes)
    return codes


def looks_like_recovery_code(raw: str) -> bool:
    return len(re.sub(r"[^A-Za-z0-9]", "", raw or "")) == 4 * RECOVERY_GROUPS


def use_recovery_code(user: User, raw: str) -> bool:
    """True when the code is one of the account's unused ones (then it is used up)."""
    if not looks_like_recovery_code(raw):
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .where(RecoveryCode.code_hash.in_([_recovery_hash(raw, k) for k in _secret_keys()]))
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(used.rowcount == 1)  # type: ignore[attr-defined]


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id)
            .where(RecoveryCode.user_id == user.id)
            .where(RecoveryCode.used_at.is_(None))
        ).all()
    )
