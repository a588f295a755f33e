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
from sqlalchemy import bindparam, exists, select

from survey_app.domain import sealing
from survey_app.domain.answering import ANSWERED, DRAFT, has_answered, open_draft
from survey_app.extensions import db
from survey_app.models import (
    AgeBand,
    Campaign,
    CampaignState,
    Draft,
    Invitation,
    LinkMark,
    Meeting,
    Role,
)
from survey_app.models.campaign import window_has_ended


@dataclass(frozen=True, slots=True)
class DraftState:
    """The answers saved so far (item key → posted value) and the furthest page reached."""

    answers: dict[str, Any]
    reached_page: int


@dataclass(frozen=True, slots=True)
class Visit:
    """The session's invitation as the family pages see it: never its phone or links."""

    id: int
    role: Role
    questionnaire_key: str
    language: str
    #: The invitation's answer is in (its keyed "answered" mark exists).
    answered: bool
    #: Staff withdrew it (a wrong number): its pages answer as an unknown link would.
    withdrawn: bool
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


def _visit_query(answered: Any) -> Any:
    return (
        select(
            Invitation.id,
            Invitation.role,
            Invitation.questionnaire_key,
            Invitation.language,
            exists().where(answered).label("answered"),
            Invitation.withdrawn_at.is_not(None).label("withdrawn"),
            Invitation.meeting_id,
            Meeting.team_id,
            Meeting.age_band,
            Meeting.campaign_id,
            Campaign.state.label("campaign_state"),
            Campaign.opens_at,
            Campaign.closes_at,
            Draft.sealed,
        )
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Campaign, Campaign.id == Meeting.campaign_id)
        .outerjoin(Draft, Draft.key == bindparam("draft_key"))
        .where(Invitation.id == bindparam("invitation_id"))
    )


# Built once with bound parameters: SQLAlchemy then reuses its cache key and compiled form,
# which otherwise cost more than running the query. With one key (no fallbacks configured,
# the usual case) the answered mark is one parameter: an expanding IN is rendered anew on
# every execution.
_VISIT = _visit_query(LinkMark.mark == bindparam("answered_marks"))
_VISIT_ANY_KEY = _visit_query(LinkMark.mark.in_(bindparam("answered_marks", expanding=True)))


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
    draft_key = sealing.mark(DRAFT, invitation_id)
    answered = sealing.marks(ANSWERED, invitation_id)
    row = connection.execute(
        _VISIT if len(answered) == 1 else _VISIT_ANY_KEY,
        {
            "invitation_id": invitation_id,
            "answered_marks": answered[0] if len(answered) == 1 else list(answered),
            "draft_key": draft_key,
        },
    ).one_or_none()
    if row is None:
        return None
    columns = dict(row._mapping)
    sealed = columns.pop("sealed")
    # A draft row exists from Start on; its absence (outer join) means not started.
    draft = None if sealed is None else DraftState(*open_draft(draft_key, sealed))
    return Visit(**columns, draft=draft)


#: The children whose links were handed over to this guardian's phone.
_HANDOVER_CHILDREN = (
    select(Invitation.id)
    .where(
        Invitation.handover_from_id == bindparam("guardian"),
        Invitation.opted_out_at.is_(None),
        Invitation.withdrawn_at.is_(None),
    )
    .order_by(Invitation.id)
)


def handover_child_id(guardian: Visit | None) -> int | None:
    """The child who may answer next on this guardian's phone, or None.

    Only after the guardian has answered: the child should not be handed a phone in the middle
    of the guardian's form, and a completed guardian has nothing left to see in the session.
    """
    if guardian is None or guardian.role != Role.GUARDIAN or not guardian.answered:
        return None
    children = db.session.connection().execute(_HANDOVER_CHILDREN, {"guardian": guardian.id})
    return next((child for child in children.scalars() if not has_answered(child)), None)
