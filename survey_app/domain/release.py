"""Releasing a window's answers: from sealed responses to k-anonymous rows, once, at close.

While a window is open its responses are sealed (survey_app.domain.answering). When it closes
they are opened here and written as Response rows whose group attributes — age band, area,
municipality, Swedish or another language; the role is always kept, since the questionnaire
shows it — are generalised by analysis.anonymity until every released group holds at least
MIN_GROUP_SIZE responses (or none) and MIN_GROUP_SIZE invitations. The invitations get the same
groups (ReleasedCell), so participation is counted over exactly the groups the answers carry.

Deciding this once, with every invitation and answer of the window known, is what lets the
first answers of a small group be kept and still not be singled out: a decision made at submit
time would have had to use the few invitations there were then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, insert, select

from analysis.anonymity import Cell, CellCount, Release, release_classes
from survey_app.domain import sealing
from survey_app.domain.answering import response_context
from survey_app.extensions import db
from survey_app.models import (
    Answer,
    Area,
    Invitation,
    Link,
    Meeting,
    Municipality,
    ReleasedCell,
    Response,
    SealedResponse,
    Team,
)
from survey_app.models.response import new_response_id

SWEDISH, OTHER_LANGUAGE = "sv", "other"


def language_group(language: str) -> str:
    """Swedish, or another language: a finer level would make one-family groups."""
    return SWEDISH if language == SWEDISH else OTHER_LANGUAGE


@dataclass(frozen=True)
class OpenedResponse:
    """A sealed response opened in memory: its fine group and its answers."""

    cell: Cell
    questionnaire: str
    version: int
    answers: list[tuple[str, int | None, str | None]]


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
            ),
            questionnaire=str(payload["questionnaire"]),
            version=int(payload["version"]),
            answers=[(str(k), v, t) for k, v, t in payload["answers"]],
        )


@dataclass(frozen=True)
class InvitationCell:
    cell: Cell
    #: A link was made for it (an SMS went, or a letter was printed): it could have answered.
    reachable: bool


def invitation_cells(campaign_id: int) -> list[InvitationCell]:
    """Every invitation of the window as its fine group, and whether it could have answered."""
    has_link = exists().where(Link.invitation_id == Invitation.id)
    rows = db.session.execute(
        select(Invitation.role, Meeting.age_band, Area.name, Municipality.name)
        .add_columns(Invitation.language, has_link)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Team, Team.id == Meeting.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
        .where(Meeting.campaign_id == campaign_id)
    )
    return [
        InvitationCell(
            (role.value, band.value, area, municipality, language_group(language)), bool(linked)
        )
        for role, band, area, municipality, language, linked in rows
    ]


def decide_release(
    invitations: Iterable[InvitationCell], responses: Iterable[Cell], k: int
) -> Release:
    """The released group of every fine group, from what the window holds.

    Only invitations that could have answered count towards a group's invitations: one whose
    SMS never went cannot hide an answer.
    """
    reachable = Counter(i.cell for i in invitations if i.reachable)
    cells = set(reachable)
    cells |= {i.cell for i in invitations}
    answered = Counter(responses)
    cells |= set(answered)
    counts: Mapping[Cell, CellCount] = {
        cell: CellCount(invitations=reachable[cell], responses=answered[cell]) for cell in cells
    }
    return release_classes(counts, k)


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
    invitations = invitation_cells(campaign_id)
    release = decide_release(invitations, (r.cell for r in opened), min_group_size)
    released_cells = [
        {
            "campaign_id": campaign_id,
            "role": fine[0],
            "age_band": fine[1],
            "area": fine[2],
            "municipality": fine[3],
            "language_group": fine[4],
            "released_age_band": group[1],
            "released_area": group[2],
            "released_municipality": group[3],
            "released_language_group": group[4],
        }
        for fine, group in sorted(release.classes.items())
    ]
    if released_cells:
        db.session.execute(insert(ReleasedCell), released_cells)
    # New random ids, written in their own order: nothing of the order of answering survives.
    rows = sorted((new_response_id(), response) for response in opened)
    for response_id, response in rows:
        group = release.classes[response.cell]
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
