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

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import aliased

from survey_app.domain import sealing
from survey_app.domain.answering import (
    ANSWERED,
    DRAFT,
    MEETING_SERVICES,
    Invitee,
    has_answered,
    meeting_services,
    open_draft,
)
from survey_app.domain.transactions import outside_transaction
from survey_app.models import (
    AgeBand,
    Area,
    Campaign,
    CampaignState,
    ChildAttended,
    Draft,
    Invitation,
    LinkMark,
    Meeting,
    Municipality,
    Role,
    Team,
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
    child_attended: ChildAttended
    #: The meeting's services, as "a,b" (None when none were recorded).
    services: str | None
    #: The names the start page gives the meeting's place ("HLT-teamet i Åsele").
    municipality: str
    area: str
    #: A child's link was handed over to this (guardian's) phone, and is neither opted out
    #: nor withdrawn: the thank-you page then looks up whose turn it is.
    hands_over: bool
    campaign_id: int
    campaign_state: CampaignState
    opens_at: datetime
    closes_at: datetime
    draft: DraftState | None

    def has_ended(self, now: datetime) -> bool:
        return window_has_ended(self.campaign_state, self.closes_at, now)

    def invitee(self) -> Invitee:
        """What the submit seals with the answers, read with the page (one look-up less)."""
        return Invitee(
            self.role,
            self.team_id,
            self.age_band,
            self.language,
            self.campaign_id,
            self.child_attended,
            meeting_services(self.services),
        )


_HANDED_OVER = aliased(Invitation)


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
            Meeting.child_attended,
            MEETING_SERVICES,
            Municipality.name.label("municipality"),
            Area.name.label("area"),
            exists()
            .where(
                _HANDED_OVER.handover_from_id == Invitation.id,
                _HANDED_OVER.opted_out_at.is_(None),
                _HANDED_OVER.withdrawn_at.is_(None),
            )
            .label("hands_over"),
            Meeting.campaign_id,
            Campaign.state.label("campaign_state"),
            Campaign.opens_at,
            Campaign.closes_at,
            Draft.sealed,
        )
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Campaign, Campaign.id == Meeting.campaign_id)
        .join(Team, Team.id == Meeting.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
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
    # Outside a transaction on PostgreSQL: one round trip instead of three (BEGIN, SELECT,
    # ROLLBACK or COMMIT; survey_app.domain.transactions). Core, not the ORM: a plain row.
    draft_key = sealing.mark(DRAFT, invitation_id)
    answered = sealing.marks(ANSWERED, invitation_id)
    with outside_transaction() as connection:
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
    if not guardian.hands_over:
        return None  # (most guardians: no look-up)
    with outside_transaction() as connection:
        children = connection.execute(_HANDOVER_CHILDREN, {"guardian": guardian.id}).scalars()
        return next((child for child in children.all() if not has_answered(child)), None)
