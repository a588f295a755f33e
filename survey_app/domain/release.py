"""Releasing a window's answers: from sealed responses to k-anonymous rows, once, at close.

While a window is open its responses are sealed (survey_app.domain.answering). When it closes
they are opened here and written as Response rows whose group attributes — age band, area,
municipality, Swedish or another language, whether the child took part in the meeting; the
role is always kept, since the questionnaire shows it — are generalised by analysis.anonymity
until every released group holds at least MIN_GROUP_SIZE responses (or none) and
MIN_GROUP_SIZE invitations that could have answered.
The invitations get the same groups (ReleasedCell), so participation is counted over exactly
the groups the answers carry. The services at a meeting are counted, not released per answer
(ReleasedServiceCount): a meeting has several, and only counts safe beside their role's total
are kept.

Deciding this once, with every invitation and answer of the window known, is what lets the
first answers of a small group be kept and still not be singled out: a decision made at submit
time would have had to use the few invitations there were then.

This module is also the one place that knows where a window's groups come from: from the
sealed answers while it is open (for live participation and a preliminary report), from the
released rows once it is closed (`window_groups`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, case, delete, exists, func, insert, select, type_coerce

from analysis.anonymity import (
    GENERALISED,
    UNKNOWN_ATTENDANCE,
    Cell,
    CellCount,
    Release,
    acceptable,
    language_group,
    releasable_parts,
    release_classes,
)
from survey_app.domain import sealing
from survey_app.domain.answering import response_context
from survey_app.extensions import db
from survey_app.models import (
    ENDED_STATES,
    Answer,
    Area,
    Campaign,
    Invitation,
    Link,
    Meeting,
    MeetingService,
    Municipality,
    ReleasedCell,
    ReleasedServiceCount,
    Response,
    SealedResponse,
    Team,
)
from survey_app.models.response import new_response_id

#: Rows fetched at a time, so a large window never loads at once.
BATCH_SIZE = 2000


@dataclass(frozen=True)
class InvitationRow:
    """One invitation's fine group and what happened to its SMS (nothing about answering)."""

    cell: Cell
    sent: bool
    delivered: bool
    opted_out: bool
    #: A link was made for it (an SMS went, or a letter was printed): it could have answered.
    reachable: bool


def invitation_rows(campaign_id: int) -> list[InvitationRow]:
    """Every invitation of a window with its fine group (from its meeting and team)."""
    has_link = exists().where(Link.invitation_id == Invitation.id)
    query = (
        select(
            type_coerce(Invitation.role, String),
            type_coerce(Meeting.age_band, String),
            Area.name,
            Municipality.name,
            Invitation.language,
            type_coerce(Meeting.child_attended, String),
            Invitation.sent_at.is_not(None),
            Invitation.delivered_at.is_not(None),
            Invitation.opted_out_at.is_not(None),
            has_link,
        )
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Team, Team.id == Meeting.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
        .where(Meeting.campaign_id == campaign_id)
    )
    rows = db.session.execute(query.execution_options(yield_per=BATCH_SIZE)).tuples()
    return [
        InvitationRow(
            (role, band, area, town, language_group(language), attended),
            bool(sent),
            bool(delivered),
            bool(opted_out),
            bool(linked),
        )
        for role, band, area, town, language, attended, sent, delivered, opted_out, linked in rows
    ]


@dataclass(frozen=True)
class OpenedResponse:
    """A sealed response opened in memory: its fine group and its answers."""

    cell: Cell
    questionnaire: str
    version: int
    answers: list[tuple[str, int | None, str | None]]
    #: The services at the meeting (none for a response sealed before they were sealed too).
    services: tuple[str, ...] = ()


def team_places() -> dict[int, tuple[str, str]]:
    """Team id → (area, municipality) names."""
    rows = db.session.execute(
        select(Team.id, Area.name, Municipality.name)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
    )
    return {team: (area, municipality) for team, area, municipality in rows}


def opened_responses(campaign_id: int) -> Iterator[OpenedResponse]:
    """The window's sealed responses, opened (raises sealing.SealError if one cannot be)."""
    places = team_places()
    rows = db.session.execute(
        select(SealedResponse.id, SealedResponse.sealed)
        .where(SealedResponse.campaign_id == campaign_id)
        .execution_options(yield_per=500)
    )
    for response_id, sealed in rows:
        payload: dict[str, Any] = sealing.unseal(sealed, response_context(response_id))
        area, municipality = places[int(payload["team_id"])]
        yield OpenedResponse(
            cell=(
                str(payload["role"]),
                str(payload["age_band"]),
                area,
                municipality,
                language_group(str(payload["language"])),
                str(payload.get("child_attended", UNKNOWN_ATTENDANCE)),
            ),
            questionnaire=str(payload["questionnaire"]),
            version=int(payload["version"]),
            answers=[(str(k), v, t) for k, v, t in payload["answers"]],
            services=tuple(str(service) for service in payload.get("services", ())),
        )


def release_of(invitations: Sequence[InvitationRow], responses: Counter[Cell], k: int) -> Release:
    """The release of a window's fine groups.

    Only an invitation a link was made for could have been answered, so only those count
    towards a class's k invitations: an attacker would rule the others out.
    """
    cells: dict[Cell, CellCount] = {}
    for row in invitations:
        cells[row.cell] = cells.get(row.cell, CellCount(0, 0)) + CellCount(int(row.reachable), 0)
    for cell, number in responses.items():
        cells[cell] = cells.get(cell, CellCount(0, 0)) + CellCount(0, number)
    return release_classes(cells, k)


#: (role, service) → (invitations, responses) of meetings the service was at.
ServiceCounts = dict[tuple[str, str], tuple[int, int]]


def service_counts(
    campaign_id: int, invitations: Sequence[InvitationRow], opened: Iterable[OpenedResponse], k: int
) -> ServiceCounts:
    """Invitations and responses per role and service, where safe beside the role's total.

    Safe as analysis.anonymity.releasable_parts decides with the invitations that could have
    answered (as the release does); the counts kept are of all invitations, as in the data set.
    """
    reachable = case((exists().where(Link.invitation_id == Invitation.id), 1), else_=0)
    rows = db.session.execute(
        select(
            type_coerce(Invitation.role, String),
            type_coerce(MeetingService.service, String),
            func.count(),
            func.sum(reachable),
        )
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(MeetingService, MeetingService.meeting_id == Meeting.id)
        .where(Meeting.campaign_id == campaign_id)
        .group_by(Invitation.role, MeetingService.service)
    ).tuples()
    invited = {(role, service): (int(n), int(linked or 0)) for role, service, n, linked in rows}
    answered: Counter[tuple[str, str]] = Counter()
    totals: dict[str, CellCount] = {}
    for response in opened:
        role = response.cell[0]
        totals[role] = totals.get(role, CellCount(0, 0)) + CellCount(0, 1)
        answered.update((role, service) for service in response.services)
    for row in invitations:
        role = row.cell[0]
        totals[role] = totals.get(role, CellCount(0, 0)) + CellCount(int(row.reachable), 0)
    parts = {key: CellCount(linked, answered[key]) for key, (_, linked) in invited.items()}
    kept = releasable_parts(parts, totals, k)
    return {key: (invited[key][0], answered[key]) for key in sorted(kept)}


def _stored_service_counts(campaign_id: int) -> ServiceCounts:
    rows = db.session.execute(
        select(
            type_coerce(ReleasedServiceCount.role, String),
            ReleasedServiceCount.service,
            ReleasedServiceCount.invited,
            ReleasedServiceCount.completed,
        )
        .where(ReleasedServiceCount.campaign_id == campaign_id)
        .order_by(ReleasedServiceCount.role, ReleasedServiceCount.service)
    ).tuples()
    return {(role, service): (invited, completed) for role, service, invited, completed in rows}


#: (response id, questionnaire, version, released class, item, value, text)
ResponseRow = tuple[str, str, int, Cell, str, int | None, str | None]


@dataclass
class WindowGroups:
    """A window's invitations, their release, and its responses by released class."""

    campaign_id: int
    invitations: list[InvitationRow]
    release: Release
    #: Responses per released class.
    answered: Counter[Cell]
    #: Released (closed) window: the rows are in `responses`; else opened from their seals.
    released: bool
    #: Participation per role and service, where it may be shown.
    services: ServiceCounts = field(default_factory=dict)
    opened: list[OpenedResponse] = field(default_factory=list)

    @property
    def responses(self) -> int:
        return sum(self.answered.values())

    def response_rows(self) -> Iterator[ResponseRow]:
        """Every answer with its response's released class, response by response.

        Ordered by a random id: from the released rows, their own; for a window still open,
        ids made for this reading only, so two readings at different times (with different
        groups) cannot be joined row by row.
        """
        if self.released:
            yield from _released_rows(self.campaign_id)
            return
        fresh = sorted(((new_response_id(), r) for r in self.opened), key=lambda pair: pair[0])
        for response_id, response in fresh:
            label = self.release.released(response.cell)
            for item, value, text in response.answers:
                yield (
                    response_id,
                    response.questionnaire,
                    response.version,
                    label,
                    item,
                    value,
                    text,
                )


def _released_rows(campaign_id: int) -> Iterator[ResponseRow]:
    query = (
        select(
            Response.id,
            Response.questionnaire_key,
            Response.questionnaire_version,
            type_coerce(Response.role, String),
            Response.age_band,
            Response.area,
            Response.municipality,
            Response.language_group,
            Response.child_attended,
            Answer.item_key,
            Answer.value,
            Answer.text,
        )
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.campaign_id == campaign_id)
        .order_by(Response.id)
    )
    rows = db.session.execute(query.execution_options(yield_per=BATCH_SIZE)).tuples()
    for rid, key, version, role, band, area, town, language, attended, item, value, text in rows:
        yield (rid, key, version, (role, band, area, town, language, attended), item, value, text)


def _stored_release(campaign_id: int, k: int, answered: Counter[Cell]) -> Release:
    """The release a closed window was made with, read back from released_cells."""
    rows = db.session.execute(
        select(
            type_coerce(ReleasedCell.role, String),
            ReleasedCell.age_band,
            ReleasedCell.area,
            ReleasedCell.municipality,
            ReleasedCell.language_group,
            ReleasedCell.child_attended,
            ReleasedCell.released_age_band,
            ReleasedCell.released_area,
            ReleasedCell.released_municipality,
            ReleasedCell.released_language_group,
            ReleasedCell.released_child_attended,
        ).where(ReleasedCell.campaign_id == campaign_id)
    ).tuples()
    classes = {tuple(row[:6]): (row[0], *row[6:]) for row in rows}
    residual = tuple(
        sorted(
            label
            for label, number in answered.items()
            if label[1:] == (GENERALISED,) * 5 and not acceptable(CellCount(k, number), k)
        )
    )
    return Release(k, classes, residual)


def window_groups(campaign_id: int, k: int) -> WindowGroups:
    """What a window holds, by released class: from its released rows once it is closed,
    else from its sealed answers, released in memory with the invitations there are now."""
    invitations = invitation_rows(campaign_id)
    state = db.session.scalar(select(Campaign.state).where(Campaign.id == campaign_id))
    if state in ENDED_STATES:
        columns = (
            type_coerce(Response.role, String),
            Response.age_band,
            Response.area,
            Response.municipality,
            Response.language_group,
            Response.child_attended,
        )
        answered = Counter(
            {
                (role, band, area, town, language, attended): number
                for role, band, area, town, language, attended, number in db.session.execute(
                    select(*columns, func.count())
                    .where(Response.campaign_id == campaign_id)
                    .group_by(*columns)
                ).tuples()
            }
        )
        return WindowGroups(
            campaign_id,
            invitations,
            _stored_release(campaign_id, k, answered),
            answered,
            True,
            _stored_service_counts(campaign_id),
        )
    opened = list(opened_responses(campaign_id))
    release = release_of(invitations, Counter(r.cell for r in opened), k)
    answered = Counter(release.released(r.cell) for r in opened)
    services = service_counts(campaign_id, invitations, opened, k)
    return WindowGroups(campaign_id, invitations, release, answered, False, services, opened)


@dataclass(frozen=True)
class ReleaseSummary:
    responses: int
    groups: int


def release_window(campaign_id: int, min_group_size: int) -> ReleaseSummary:
    """Open, generalise and write the window's responses; delete the sealed ones.

    Runs inside the closing transaction: if any response cannot be opened, nothing is written
    and the caller rolls the close back.
    """
    opened = list(opened_responses(campaign_id))
    invitations = invitation_rows(campaign_id)
    release = release_of(invitations, Counter(r.cell for r in opened), min_group_size)
    released_cells = [
        {
            "campaign_id": campaign_id,
            "role": fine[0],
            "age_band": fine[1],
            "area": fine[2],
            "municipality": fine[3],
            "language_group": fine[4],
            "child_attended": fine[5],
            "released_age_band": group[1],
            "released_area": group[2],
            "released_municipality": group[3],
            "released_language_group": group[4],
            "released_child_attended": group[5],
        }
        for fine, group in sorted(release.classes.items())
    ]
    if released_cells:
        db.session.execute(insert(ReleasedCell), released_cells)
    services = service_counts(campaign_id, invitations, opened, min_group_size)
    if services:
        db.session.execute(
            insert(ReleasedServiceCount),
            [
                {
                    "campaign_id": campaign_id,
                    "role": role,
                    "service": service,
                    "invited": invited,
                    "completed": completed,
                }
                for (role, service), (invited, completed) in services.items()
            ],
        )
    # New random ids, written in their own order: nothing of the order of answering survives.
    rows = sorted(((new_response_id(), r) for r in opened), key=lambda pair: pair[0])
    for response_id, response in rows:
        group = release.released(response.cell)
        db.session.execute(
            insert(Response).values(
                id=response_id,
                campaign_id=campaign_id,
                questionnaire_key=response.questionnaire,
                questionnaire_version=response.version,
                role=group[0],
                age_band=group[1],
                area=group[2],
                municipality=group[3],
                language_group=group[4],
                child_attended=group[5],
            )
        )
        if response.answers:
            db.session.execute(
                insert(Answer),
                [
                    {"response_id": response_id, "item_key": key, "value": value, "text": text}
                    for key, value, text in response.answers
                ],
            )
    db.session.execute(delete(SealedResponse).where(SealedResponse.campaign_id == campaign_id))
    return ReleaseSummary(responses=len(rows), groups=len(set(release.classes.values())))


def decide_release(
    invitations: Iterable[InvitationRow], responses: Iterable[Cell], k: int
) -> Release:
    """The release of fine groups given as rows and cells (the migration of closed windows)."""
    return release_of(list(invitations), Counter(responses), k)


def count_responses(campaign_id: int) -> int:
    """How many answers a window has, sealed or released (counting needs no key)."""
    return sum(
        db.session.scalar(
            select(func.count()).select_from(table).where(table.campaign_id == campaign_id)
        )
        or 0
        for table in (SealedResponse, Response)
    )
