"""What every family page needs about the session's invitation, read in one query.

A family page is the busiest thing the service serves: every request of the path (12 for a
guardian) needs the invitation, its window and its draft. Loading them as ORM objects (identity
map, joined-load processing, a second query for the draft) was a fifth of a question page's
CPU; one prebuilt Core SELECT of the dozen columns the pages use costs a few hundred
microseconds (benchmarks/README.md). The ORM stays for the rarer pages that write more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import request
from sqlalchemy import bindparam, select

from survey_app.extensions import db
from survey_app.models import AgeBand, Campaign, CampaignState, Draft, Invitation, Meeting, Role
from survey_app.models.campaign import window_has_ended


@dataclass(frozen=True, slots=True)
class DraftState:
    """The answers saved so far (item key → posted value) and the furthest page reached."""

    answers: dict[str, Any]
    reached_page: int


@dataclass(frozen=True, slots=True)
class Visit:
    """The session's invitation as the family pages see it: never its phone or token."""

    id: int
    role: Role
    questionnaire_key: str
    language: str
    opened_at: datetime | None
    completed_at: datetime | None
    meeting_id: int
    team_id: int
    age_band: AgeBand
    campaign_id: int
    campaign_state: CampaignState
    opens_at: datetime
    closes_at: datetime
    draft: DraftState | None

    def has_ended(self, now: datetime) -> bool:
        return window_has_ended(self.campaign_state, self.closes_at, now)


_VISIT = (
    select(
        Invitation.id,
        Invitation.role,
        Invitation.questionnaire_key,
        Invitation.language,
        Invitation.opened_at,
        Invitation.completed_at,
        Invitation.meeting_id,
        Meeting.team_id,
        Meeting.age_band,
        Meeting.campaign_id,
        Campaign.state.label("campaign_state"),
        Campaign.opens_at,
        Campaign.closes_at,
        Draft.answers,
        Draft.reached_page,
    )
    .join(Meeting, Meeting.id == Invitation.meeting_id)
    .join(Campaign, Campaign.id == Meeting.campaign_id)
    .outerjoin(Draft, Draft.invitation_id == Invitation.id)
    # Built once with a bound parameter: SQLAlchemy then reuses its cache key and compiled
    # form, which otherwise cost more than running the query.
    .where(Invitation.id == bindparam("invitation_id"))
)


def load_visit(invitation_id: int) -> Visit | None:
    # Through the session's connection (same transaction as a POST's writes), but without the
    # ORM's statement handling, which a plain row does not need. A GET only reads: without a
    # transaction it is one round trip to PostgreSQL instead of three (BEGIN, SELECT, ROLLBACK).
    # (Only on PostgreSQL: SQLite begins no transaction for a SELECT, and switching the mode
    # costs more there than it saves. And only when the request has not begun a transaction
    # already, as tests that share a session with the app have.)
    reading = (
        request.method in ("GET", "HEAD")
        and db.engine.dialect.name == "postgresql"
        and not db.session().in_transaction()
    )
    connection = db.session.connection(
        execution_options={"isolation_level": "AUTOCOMMIT"} if reading else None
    )
    row = connection.execute(_VISIT, {"invitation_id": invitation_id}).one_or_none()
    if row is None:
        return None
    columns = dict(row._mapping)
    answers, reached_page = columns.pop("answers"), columns.pop("reached_page")
    # A draft row always has a reached_page; its absence (outer join) means not started.
    draft = None if reached_page is None else DraftState(dict(answers or {}), reached_page)
    return Visit(**columns, draft=draft)


#: The child whose link was handed over to this guardian's phone and who has not answered yet.
_HANDOVER_CHILD = (
    select(Invitation.id)
    .where(
        Invitation.handover_from_id == bindparam("guardian"),
        Invitation.completed_at.is_(None),
        Invitation.opted_out_at.is_(None),
    )
    .order_by(Invitation.id)
    .limit(1)
)


def handover_child_id(guardian: Visit | None) -> int | None:
    """The child who may answer next on this guardian's phone, or None.

    Only after the guardian has answered: the child should not be handed a phone in the middle
    of the guardian's form, and a completed guardian has nothing left to see in the session.
    """
    if guardian is None or guardian.role != Role.GUARDIAN or guardian.completed_at is None:
        return None
    child: int | None = (
        db.session.connection().execute(_HANDOVER_CHILD, {"guardian": guardian.id}).scalar()
    )
    return child
