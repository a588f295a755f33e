"""Letter fixtures: staff logins from the staff area, and counting links."""

from __future__ import annotations

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Link
from tests.staff.conftest import make_user, staff_client

__all__ = ["link_count", "make_user", "staff_client"]


def link_count(invitation_id: int | None = None) -> int:
    """Links in the table (of one invitation, if given)."""
    query = sa.select(sa.func.count()).select_from(Link)
    if invitation_id is not None:
        query = query.where(Link.invitation_id == invitation_id)
    db.session.expire_all()
    return int(db.session.scalar(query) or 0)
