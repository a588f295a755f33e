"""What came of a window, told to families: "Det här blev det".

After a window is closed and analysed, an admin publishes a summary per area: a few big figures
from what children, young people and guardians said, and what the area's teams will change, by
when they report back. Families reach it through their own (old) link, or through the area's
public address on posters.

The figures are never computed here. They are read from the window's closing report
(results.json), where the analysis has already applied the one small-group rule
(analysis.suppression) to each item, by area and for the whole county together: an area figure
that is hidden there (too few answers, or hidden so that a hidden one cannot be worked out) is
not shown here either. There are no team figures at all: answers are released without their
team (PRIVACY.md), so no team, however large, has a figure of its own; a team has its actions.

The page is the same for everyone in the area: nothing on it depends on the person who opens
it beyond the window, the area, whether it is the children's version and the language.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import (
    ENDED_STATES,
    Area,
    Campaign,
    CampaignState,
    FamilySummary,
    Municipality,
    Role,
    SummaryAction,
    Team,
    User,
    utcnow,
)
from survey_app.reporting.reports import RESULTS_FILE, report_directory

SUMMARY_PUBLISHED = "family_summary_published"
#: Actions a summary may list: a few things, each a few sentences.
MAX_ACTIONS = 3
#: The questions behind the figures, by what they ask (the items' `parallel` key): the same
#: question to children, young people and guardians, each in their own questionnaire's words.
HEADLINE_QUESTIONS = ("voice", "audience")
#: Whose answers, in the order the page shows them.
ROLES = (Role.CHILD, Role.YOUTH, Role.GUARDIAN)
QUESTIONNAIRE_OF_ROLE = {
    Role.CHILD: "sip-child",
    Role.YOUTH: "sip-youth",
    Role.GUARDIAN: "sip-guardian",
}


@dataclass(frozen=True)
class Figure:
    """One big figure: of those of a role in the area who answered a question, how many said
    yes (the scale's positive answers), as "x of 10"."""

    role: Role
    questionnaire_key: str
    item_key: str
    question: str
    share: float

    @property
    def out_of_ten(self) -> int:
        # Half up, never 0 or 10 unless everyone (or no one) said yes.
        tenths = int(self.share * 10 + 0.5)
        if 0 < self.share < 1:
            return min(max(tenths, 1), 9)
        return tenths


@dataclass(frozen=True)
class Action:
    team: str
    text: str
    report_back_on: date


@dataclass(frozen=True)
class Summary:
    campaign_id: int
    area_id: int
    area: str
    figures: tuple[Figure, ...]
    actions: tuple[Action, ...]

    def figures_of(self, role: Role) -> tuple[Figure, ...]:
        return tuple(figure for figure in self.figures if figure.role == role)


class NotReady(ValueError):
    """The window has no report yet: nothing can be published."""


def stored_results(campaign_id: int) -> dict[str, Any] | None:
    """The closing report's results.json, or None before there is one."""
    path = report_directory(campaign_id) / RESULTS_FILE
    if not path.is_file():
        return None
    results: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return results


def area_figures(results: dict[str, Any] | None, area: str) -> tuple[Figure, ...]:
    """The headline figures of an area that the report shows (none that it hides)."""
    if results is None:
        return ()
    figures = []
    for role in ROLES:
        questionnaire = QUESTIONNAIRE_OF_ROLE[role]
        items: dict[str, Any] = results.get("items", {}).get(questionnaire, {})
        for question in HEADLINE_QUESTIONS:
            item = next((i for i in items.values() if i.get("parallel") == question), None)
            if item is None:
                continue
            group = item.get("by_area", {}).get(area)
            if group is None or group.get("suppressed") or group.get("positive_share") is None:
                continue
            figures.append(
                Figure(role, questionnaire, item["key"], item["text"], group["positive_share"])
            )
    return tuple(figures)


def is_ready(campaign: Campaign) -> bool:
    """Closed and analysed, with its report in place: a summary may be published."""
    return campaign.state == CampaignState.ANALYSED and stored_results(campaign.id) is not None


def area_of_team(team_id: int) -> Area:
    return db.session.execute(
        select(Area)
        .join(Municipality, Municipality.area_id == Area.id)
        .join(Team, Team.municipality_id == Municipality.id)
        .where(Team.id == team_id)
    ).scalar_one()


def teams_of_area(area_id: int) -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .join(Municipality, Municipality.id == Team.municipality_id)
            .where(Municipality.area_id == area_id, Team.active.is_(True))
            .order_by(Team.name)
        )
    )


def find_summary(campaign_id: int, area_id: int) -> FamilySummary | None:
    return db.session.scalar(
        select(FamilySummary).where(
            FamilySummary.campaign_id == campaign_id, FamilySummary.area_id == area_id
        )
    )


def _summary(row: FamilySummary) -> Summary:
    return Summary(
        campaign_id=row.campaign_id,
        area_id=row.area_id,
        area=row.area.name,
        figures=area_figures(stored_results(row.campaign_id), row.area.name),
        actions=tuple(
            Action(action.team.name, action.text, action.report_back_on) for action in row.actions
        ),
    )


def published_summary(campaign_id: int, area_id: int) -> Summary | None:
    """The summary families of this window and area see, or None when there is none."""
    row = find_summary(campaign_id, area_id)
    if row is None or row.campaign.state not in ENDED_STATES:
        return None
    return _summary(row)


def latest_summary(area_id: int) -> Summary | None:
    """The area's most recently published summary (its public address shows it)."""
    row = db.session.scalar(
        select(FamilySummary)
        .join(Campaign, Campaign.id == FamilySummary.campaign_id)
        .where(FamilySummary.area_id == area_id, Campaign.state.in_(ENDED_STATES))
        .order_by(Campaign.closed_at.desc(), FamilySummary.id.desc())
        .limit(1)
    )
    return None if row is None else _summary(row)


def publish(
    campaign: Campaign,
    area: Area,
    actions: Sequence[tuple[int, str, date]],
    actor: User | None,
) -> FamilySummary:
    """Publish (or publish again, replacing the actions) the summary of a window and area.

    `actions`: (team id, text, report-back date), in the order shown. The caller commits.
    """
    if not is_ready(campaign):
        raise NotReady(campaign.id)
    area_teams = {team.id for team in teams_of_area(area.id)}
    if not actions or len(actions) > MAX_ACTIONS:
        raise ValueError(f"a summary lists 1 to {MAX_ACTIONS} actions")
    if any(team_id not in area_teams for team_id, _text, _day in actions):
        raise ValueError("an action's team is not a team of the area")
    row = find_summary(campaign.id, area.id)
    if row is None:
        row = FamilySummary(campaign_id=campaign.id, area_id=area.id)
        db.session.add(row)
    else:
        row.actions.clear()
        db.session.flush()  # the old actions go before the new take their positions
    row.published_at = utcnow()
    row.published_by_id = actor.id if actor is not None else None
    row.actions.extend(
        SummaryAction(position=n, team_id=team_id, text=text.strip(), report_back_on=day)
        for n, (team_id, text, day) in enumerate(actions, start=1)
    )
    db.session.flush()
    audit.record(
        actor, SUMMARY_PUBLISHED, "campaign", campaign.id, area=area.name, actions=len(actions)
    )
    return row
