"""What staff may know about invitations: sent, delivered, failed, opted out — never answers.

No phone numbers here: the status pages are for coordinators (own teams) and admins, and
they do not need the numbers to follow up. Nor whether a person opened or answered: the service
does not store that per invitation (PRIVACY.md); participation is shown per group, with the
small-group rule, on the results pages.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from survey_app.extensions import db
from survey_app.models import (
    Invitation,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    Team,
)


@dataclass(frozen=True)
class InvitationStatus:
    invitation_id: int
    role: str
    language: str
    handed_over: bool
    sent: bool
    delivered: bool
    opted_out: bool
    #: The invitation SMS could not be sent (the reason is on the admin's outbox page).
    failed: bool
    #: Staff withdrew it (or corrected it into a new invitation): its links no longer work.
    withdrawn: bool = False


@dataclass(frozen=True)
class MeetingStatus:
    meeting_id: int
    team: str
    held_on: date
    age_band: str
    invitations: list[InvitationStatus]


@dataclass
class TeamCounts:
    team: str
    meetings: int = 0
    invited: int = 0
    sent: int = 0
    delivered: int = 0
    opted_out: int = 0


@dataclass
class CampaignStatus:
    meetings: list[MeetingStatus] = field(default_factory=list)
    teams: list[TeamCounts] = field(default_factory=list)


def _failed_invites(invitation_ids: list[int]) -> set[int]:
    if not invitation_ids:
        return set()
    return set(
        db.session.scalars(
            select(OutboxMessage.invitation_id).where(
                OutboxMessage.invitation_id.in_(invitation_ids),
                OutboxMessage.kind == MessageKind.INVITE,
                OutboxMessage.state == MessageState.FAILED,
            )
        )
    )


def _status(invitation: Invitation, failed: set[int]) -> InvitationStatus:
    return InvitationStatus(
        invitation_id=invitation.id,
        role=invitation.role.value,
        language=invitation.language,
        handed_over=invitation.handover_from_id is not None,
        sent=invitation.sent_at is not None,
        delivered=invitation.delivered_at is not None,
        opted_out=invitation.opted_out_at is not None,
        failed=invitation.id in failed and invitation.sent_at is None,
        withdrawn=invitation.withdrawn_at is not None,
    )


def _meeting_status(meeting: Meeting, failed: set[int]) -> MeetingStatus:
    return MeetingStatus(
        meeting_id=meeting.id,
        team=meeting.team.name,
        held_on=meeting.held_on,
        age_band=meeting.age_band.value,
        invitations=[_status(invitation, failed) for invitation in meeting.invitations],
    )


def meeting_status(meeting: Meeting) -> MeetingStatus:
    """The status of one meeting's invitations."""
    return _meeting_status(meeting, _failed_invites([i.id for i in meeting.invitations]))


def campaign_status(
    campaign_id: int, team_ids: Collection[int] | None, limit: int = 200
) -> CampaignStatus:
    """Meetings (newest first, at most `limit`) and per-team counts of one window.

    `team_ids` None means every team (admin).
    """
    query = (
        select(Meeting)
        .where(Meeting.campaign_id == campaign_id)
        .options(selectinload(Meeting.invitations), selectinload(Meeting.team))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )
    if team_ids is not None:
        query = query.where(Meeting.team_id.in_(team_ids))
    meetings = db.session.scalars(query.limit(limit)).all()
    failed = _failed_invites([i.id for m in meetings for i in m.invitations])
    result = CampaignStatus(meetings=[_meeting_status(meeting, failed) for meeting in meetings])
    result.teams = team_counts(campaign_id, team_ids)
    return result


def team_counts(campaign_id: int, team_ids: Collection[int] | None) -> list[TeamCounts]:
    """Counts per team over the whole window (not only the meetings listed)."""
    query = (
        select(
            Team.name,
            func.count(func.distinct(Meeting.id)),
            func.count(Invitation.id),
            func.count(Invitation.sent_at),
            func.count(Invitation.delivered_at),
            func.count(Invitation.opted_out_at),
        )
        .join(Meeting, Meeting.team_id == Team.id)
        .outerjoin(Invitation, Invitation.meeting_id == Meeting.id)
        .where(Meeting.campaign_id == campaign_id)
        .group_by(Team.name)
        .order_by(Team.name)
    )
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    return [TeamCounts(*row) for row in db.session.execute(query)]
