"""A window's report: export the data set, then run the analysis on it, into one folder.

The analysis reads only the exported folder (DIR/data), never the database, so the report
made here and one made by FoU Välfärd with `python -m analysis DIR/data` are the same.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select

from analysis.anonymity import Cell, Release
from analysis.results import Participation, RateGroup

from .export import (
    DatasetSummary,
    InvitationRow,
    Progress,
    build_dataset,
    funnel_counts,
    min_group_size,
    window_release,
)
from .extensions import db
from .models import Invitation, Meeting, Municipality, Response, Team

if TYPE_CHECKING:
    from analysis.dataset import InvitationCounts

DATA_DIRECTORY = "data"
RESULTS_FILE = "results.json"


@dataclass(frozen=True)
class Report:
    directory: Path
    dataset: DatasetSummary


def reports_root() -> Path:
    """REPORTS_DIRECTORY, or instance/reports when it is not set."""
    configured = current_app.config.get("REPORTS_DIRECTORY")
    return Path(configured) if configured else Path(current_app.instance_path) / "reports"


def report_directory(campaign_id: int) -> Path:
    """Where the closing report of a window lives."""
    return reports_root() / str(campaign_id)


def has_report(campaign_id: int) -> bool:
    return (report_directory(campaign_id) / RESULTS_FILE).is_file()


def produce_report(
    campaign_id: int,
    out_dir: Path,
    *,
    export_progress: Progress | None = None,
    analysis_progress: Callable[[str, float], None] | None = None,
) -> Report:
    """Write DIR/data (the data set) and the analysis outputs beside it."""
    # Imported here: the analysis pulls in numpy, scipy and matplotlib, which the web
    # processes only need when a report is made.
    import analysis

    out_dir = Path(out_dir)
    dataset = build_dataset(campaign_id, out_dir / DATA_DIRECTORY, export_progress)
    analysis.run(
        out_dir / DATA_DIRECTORY,
        out_dir,
        min_group_size=int(current_app.config["MIN_GROUP_SIZE"]),
        progress=analysis_progress,
    )
    return Report(out_dir, dataset)


def replace_report(campaign_id: int) -> Report:
    """(Re)build the window's stored report in a scratch folder, then swap it into place.

    Staff pages read this folder, so they never see a half-written report.
    """
    target = report_directory(campaign_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{campaign_id}-", dir=target.parent))
    try:
        produced = produce_report(campaign_id, scratch)
        if target.exists():
            old = target.with_name(f".{campaign_id}-old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            scratch.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Report(target, replace(produced.dataset, directory=target / DATA_DIRECTORY))


def _class_counts(
    invitations: list[InvitationRow], responses: Counter[Cell], release: Release
) -> tuple[dict[Cell, InvitationCounts], dict[Cell, int]]:
    """Invitations and responses per released class, as the exported files would give them."""
    from analysis.dataset import InvitationCounts

    by_class: dict[Cell, InvitationCounts] = {}
    for row in invitations:
        label = release.released(row.cell)
        counts = InvitationCounts(1, int(row.sent), int(row.delivered), int(row.opted_out))
        by_class[label] = by_class.get(label, InvitationCounts()) + counts
    answered: dict[Cell, int] = {}
    for cell, number in responses.items():
        label = release.released(cell)
        answered[label] = answered.get(label, 0) + number
    return by_class, answered


def _live(campaign_id: int) -> tuple[Participation, Release]:
    from analysis.dataset import FunnelCounts
    from analysis.participation import compute_participation

    invitations, responses, release = window_release(campaign_id)
    by_class, answered = _class_counts(invitations, responses, release)
    funnel = {role: FunnelCounts(*counts) for role, counts in funnel_counts(campaign_id).items()}
    return compute_participation(by_class, answered, funnel, min_group_size()), release


def live_participation(campaign_id: int) -> Participation:
    """Participation now, straight from the database, under the closing report's rules.

    The same release as the export and the same analysis function, so a figure shown while
    the window is open is the figure the report and the data set would give.
    """
    return _live(campaign_id)[0]


def fine_team_counts(campaign_id: int) -> dict[int, tuple[str, int, int]]:
    """Per team of a window: its municipality, invitations and responses."""
    invited = db.session.execute(
        select(Team.id, Municipality.name, func.count(Invitation.id))
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Team, Team.id == Meeting.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .where(Meeting.campaign_id == campaign_id)
        .group_by(Team.id, Municipality.name)
    ).tuples()
    answered = {
        team: number
        for team, number in db.session.execute(
            select(Response.team_id, func.count())
            .where(Response.campaign_id == campaign_id)
            .group_by(Response.team_id)
        ).tuples()
    }
    return {team: (town, number, answered.get(team, 0)) for team, town, number in invited}


def team_participation(campaign_id: int, team_ids: Collection[int]) -> dict[int, RateGroup]:
    """Participation of some teams, under the same rule as the municipalities they sit in.

    A team is a part of its municipality's row. Its figure is shown only when that row is
    shown and holds all of the municipality (no group of it was merged into "Övriga kommuner"
    by the release); then the teams of the municipality are hidden by the one rule, as
    municipalities are within their area. So no coordinator can subtract their own team from a
    published figure to learn about a small neighbour.
    """
    from analysis.stats import wilson_interval
    from analysis.suppression import Table, below, suppress

    k = min_group_size()
    participation, release = _live(campaign_id)
    municipalities = participation.by["municipality"]
    split = {cell[3] for cell, label in release.classes.items() if label[3] != cell[3]}
    teams = fine_team_counts(campaign_id)
    hidden: set[str] = set()
    for town in sorted({town for town, _invited, _done in teams.values()}):
        mine = {str(team): (d, i) for team, (t, i, d) in teams.items() if t == town}
        row = municipalities.get(town)
        if row is None or row.suppressed or town in split:
            hidden.update(mine)
            continue
        values = {**mine, town: (row.completed or 0, row.invited or 0)}
        found = suppress(Table(values, [(town, list(mine))]), below(mine, k), k)
        hidden.update(mine if town in found else found & set(mine))
    figures: dict[int, RateGroup] = {}
    for team in team_ids:
        _town, invited, done = teams.get(team, ("", 0, 0))
        if invited == 0 or str(team) in hidden:
            figures[team] = RateGroup(None, None, None, None, True)
        else:
            figures[team] = RateGroup(
                invited, done, done / invited, wilson_interval(done, invited), False
            )
    return figures


def hidden_team_names(campaign_id: int) -> set[str]:
    """Names of the teams whose answer counts the one rule hides (for the meetings overview)."""
    teams = {team: name for team, name in db.session.execute(select(Team.id, Team.name))}
    figures = team_participation(campaign_id, list(teams))
    return {teams[team] for team, figure in figures.items() if figure.suppressed}
