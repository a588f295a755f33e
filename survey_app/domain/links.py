"""Personal links: made when the message or letter that carries one is made, kept only as a hash.

A token exists in exactly one place: the SMS (or the printed letter) it was made for. The
outbox holds what it needs to compose a message, never a token, so a queued reminder read from
the database or a backup is useless. Every link of an invitation opens it; revoking an
invitation's links (a wrong number corrected, an invitation withdrawn) makes them all invalid.
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select

from survey_app.domain.tokens import hash_token, looks_like_token, new_token, new_typeable_token
from survey_app.domain.transactions import outside_transaction
from survey_app.extensions import db
from survey_app.models import Link

_FIND = select(Link.invitation_id).where(Link.token_hash == bindparam("token_hash"))


def issue_link(invitation_id: int, *, typeable: bool = False) -> str:
    """A new token for the invitation, stored as its hash in the caller's transaction.

    `typeable`: for a printed link, without characters that are easily mistaken when typed.
    """
    token = new_typeable_token() if typeable else new_token()
    db.session.execute(
        insert(Link).values(token_hash=hash_token(token), invitation_id=invitation_id)
    )
    return token


def invitation_for_token(token: str) -> int | None:
    """The invitation a link opens; None for anything malformed, unknown or revoked."""
    if not looks_like_token(token):
        return None
    with outside_transaction() as connection:
        found: int | None = connection.execute(_FIND, {"token_hash": hash_token(token)}).scalar()
    return found


def revoke_links(invitation_id: int) -> int:
    """Make every link of an invitation invalid (in the caller's transaction)."""
    result = db.session.execute(delete(Link).where(Link.invitation_id == invitation_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
