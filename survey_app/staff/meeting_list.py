"""Finding meetings and following their SMS: search, sort, pages — never answers, never numbers.

What staff may know about an invitation is what became of its invitation SMS (waiting, sent,
delivered, could not be sent, stopped) and whether the family asked for no more SMS. Nothing
about opening or answering: in a small team a per-invitation "answered" points at a family.
Reminders are left out as well, because a reminder is cancelled when its invitation is
answered: its state would tell the same thing.

Nor are there response counts here: how many in a team answered is on the results page,
where the disclosure rule hides small groups, and counting it costs a pass over the whole
window, which a list that pages and searches in constant time cannot afford on every view.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, func, select

from survey_app.extensions import db
from survey_app.messaging.schedule import LOCAL_TIME
from survey_app.models import (
    AgeBand,
    Invitation,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    Role,
    Team,
)


class SmsState(enum.StrEnum):
    """What became of an invitation's invitation SMS, in the order a meeting shows the worst."""

    FAILED = "failed"
    WAITING = "waiting"
    STOPPED = "stopped"
    SENT = "sent"
    DELIVERED = "delivered"
    #: No invitation SMS exists (e.g. simulated demo data).
    NONE = "none"


SMS_STATE_OF_MESSAGE = {
    MessageState.QUEUED: SmsState.WAITING,
    MessageState.SENDING: SmsState.WAITING,
    MessageState.SENT: SmsState.SENT,
    MessageState.DELIVERED: SmsState.DELIVERED,
    MessageState.FAILED: SmsState.FAILED,
    MessageState.CANCELLED: SmsState.STOPPED,
}
_WORST_FIRST = list(SmsState)


class MeetingFilter(enum.StrEnum):
    """The statuses a meeting list can be narrowed to."""

    WAITING = "waiting"
    FAILED = "failed"
    STOPPED = "stopped"
    SENT = "sent"
    DELIVERED = "delivered"
    OPTED_OUT = "opted_out"


@dataclass(frozen=True)
class MeetingSearch:
    """What to look for. `visible_teams` None means every team (admins)."""

    visible_teams: frozenset[int] | None
    campaign_id: int | None = None
    team_id: int | None = None
    held_from: date | None = None
    held_to: date | None = None
    status: MeetingFilter | None = None
    newest_first: bool = True


@dataclass(frozen=True)
class InvitationStatus:
    invitation_id: int
    role: Role
    language: str
    handed_over: bool
    sms: SmsState
    opted_out: bool
    #: Withdrawn by staff (a wrong number, or corrected into a new invitation).
    withdrawn: bool = False


@dataclass(frozen=True)
class MeetingRow:
    meeting_id: int
    held_on: date
    team: str
    age_band: AgeBand
    registered_on: date
    invitations: list[InvitationStatus] = field(default_factory=list)

    @property
    def sms(self) -> SmsState:
        """The meeting's state: its worst invitation's (a failure shows before a success)."""
        states = [invitation.sms for invitation in self.invitations]
        return min(states, key=_WORST_FIRST.index, default=SmsState.NONE)

    @property
    def opted_out(self) -> int:
        return sum(invitation.opted_out for invitation in self.invitations)


@dataclass(frozen=True)
class MeetingPage:
    rows: list[MeetingRow]
    total: int
    page: int
    pages: int
    page_size: int

    @property
    def first(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _meetings_with_invites_in(states: Collection[MessageState]) -> Select[tuple[int]]:
    """Meetings with an invitation whose invitation SMS is in one of `states`.

    Not correlated with the outer query, so the database builds the set once (a correlated
    EXISTS made SQLite walk the outbox once per meeting: seconds at 5,000 meetings).
    """
    return (
        select(Invitation.meeting_id)
        .join(OutboxMessage, OutboxMessage.invitation_id == Invitation.id)
        .where(OutboxMessage.kind == MessageKind.INVITE, OutboxMessage.state.in_(states))
    )


def _status_condition(status: MeetingFilter) -> ColumnElement[bool]:
    if status is MeetingFilter.OPTED_OUT:
        return Meeting.id.in_(
            select(Invitation.meeting_id).where(Invitation.opted_out_at.is_not(None))
        )
    if status is MeetingFilter.DELIVERED:
        others = [state for state in MessageState if state is not MessageState.DELIVERED]
        return and_(
            Meeting.id.in_(_meetings_with_invites_in([MessageState.DELIVERED])),
            Meeting.id.not_in(_meetings_with_invites_in(others)),
        )
    states = [message for message, sms in SMS_STATE_OF_MESSAGE.items() if sms.value == status]
    return Meeting.id.in_(_meetings_with_invites_in(states))


def _conditions(search: MeetingSearch) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if search.visible_teams is not None:
        conditions.append(Meeting.team_id.in_(search.visible_teams))
    if search.campaign_id is not None:
        conditions.append(Meeting.campaign_id == search.campaign_id)
    if search.team_id is not None:
        conditions.append(Meeting.team_id == search.team_id)
    if search.held_from is not None:
        conditions.append(Meeting.held_on >= search.held_from)
    if search.held_to is not None:
        conditions.append(Meeting.held_on <= search.held_to)
    if search.status is not None:
        conditions.append(_status_condition(search.status))
    return conditions


def _ordered(query: Select[tuple[int]], search: MeetingSearch) -> Select[tuple[int]]:
    if search.newest_first:
        return query.order_by(Meeting.held_on.desc(), Meeting.id.desc())
    return query.order_by(Meeting.held_on.asc(), Meeting.id.asc())


def count_meetings(search: MeetingSearch) -> int:
    query = select(func.count(Meeting.id)).where(*_conditions(search))
    return db.session.scalar(query) or 0


def find_meetings(search: MeetingSearch, page: int, page_size: int = 50) -> MeetingPage:
    """One page of the meetings that match (a page past the end shows the last one)."""
    total = count_meetings(search)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    ids = list(
        db.session.scalars(
            _ordered(select(Meeting.id).where(*_conditions(search)), search)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    return MeetingPage(_rows(ids), total, page, pages, page_size)


def all_meetings(search: MeetingSearch, chunk: int = 500) -> Iterator[MeetingRow]:
    """Every meeting that matches, in order, a chunk of queries at a time (for the download)."""
    ids = list(db.session.scalars(_ordered(select(Meeting.id).where(*_conditions(search)), search)))
    for start in range(0, len(ids), chunk):
        yield from _rows(ids[start : start + chunk])


def meeting_row(meeting_id: int) -> MeetingRow | None:
    rows = _rows([meeting_id])
    return rows[0] if rows else None


def _rows(meeting_ids: list[int]) -> list[MeetingRow]:
    """The meetings with these ids, in this order, with their invitations' SMS states."""
    if not meeting_ids:
        return []
    meetings = {
        row.id: row
        for row in db.session.execute(
            select(Meeting.id, Meeting.held_on, Meeting.age_band, Meeting.created_at, Team.name)
            .join(Team, Team.id == Meeting.team_id)
            .where(Meeting.id.in_(meeting_ids))
        )
    }
    invitations = _invitation_statuses(meeting_ids)
    return [
        MeetingRow(
            meeting_id=meeting_id,
            held_on=meetings[meeting_id].held_on,
            team=meetings[meeting_id].name,
            age_band=meetings[meeting_id].age_band,
            registered_on=_day(meetings[meeting_id].created_at),
            invitations=invitations.get(meeting_id, []),
        )
        for meeting_id in meeting_ids
        if meeting_id in meetings
    ]


def _day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TIME).date()


def _invitation_statuses(meeting_ids: list[int]) -> dict[int, list[InvitationStatus]]:
    """Each meeting's invitations with the state of their (latest) invitation SMS."""
    rows = db.session.execute(
        select(
            Invitation.id,
            Invitation.meeting_id,
            Invitation.role,
            Invitation.language,
            Invitation.handover_from_id.is_not(None),
            Invitation.opted_out_at.is_not(None),
            Invitation.withdrawn_at.is_not(None),
            OutboxMessage.state,
        )
        .outerjoin(
            OutboxMessage,
            and_(
                OutboxMessage.invitation_id == Invitation.id,
                # The invitation SMS, or the latest time staff sent it again.
                OutboxMessage.kind.in_([MessageKind.INVITE, MessageKind.RESEND]),
            ),
        )
        .where(Invitation.meeting_id.in_(meeting_ids))
        .order_by(Invitation.meeting_id, Invitation.id, OutboxMessage.id)
    )
    latest: dict[int, tuple[int, InvitationStatus]] = {}
    for invitation_id, meeting_id, role, language, handed_over, opted_out, gone, state in rows:
        latest[invitation_id] = (
            meeting_id,
            InvitationStatus(
                invitation_id=invitation_id,
                role=role,
                language=language,
                handed_over=bool(handed_over),
                sms=SMS_STATE_OF_MESSAGE[state] if state is not None else SmsState.NONE,
                opted_out=bool(opted_out),
                withdrawn=bool(gone),
            ),
        )
    statuses: dict[int, list[InvitationStatus]] = {}
    for meeting_id, status in latest.values():
        statuses.setdefault(meeting_id, []).append(status)
    return statuses
