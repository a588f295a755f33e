"""A window's report: export the data set, then run the analysis on it, into one folder.

The analysis reads only the exported folder (DIR/data), never the database, so the report
made here and one made by FoU Välfärd with `python -m analysis DIR/data` are the same.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from flask import current_app
from sqlalchemy import func, select

from analysis.results import Participation, RateGroup
from survey_app.extensions import db
from survey_app.models import Invitation, Meeting, Municipality, Team
from survey_app.reporting.export import DatasetSummary, Progress, build_dataset, invitation_rows

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


def live_participation(campaign_id: int, team_ids: Collection[int] | None = None) -> Participation:
    """Participation now, straight from the database, suppressed as in the closing report.

    The same analysis functions compute it, from the same rows the export writes, so a
    figure shown while the window is open follows the same small-group rules.
    """
    from analysis.dataset import FUNNEL_STAGES, INVITATION_GROUPS, Invitations
    from analysis.participation import compute_participation

    rows = list(invitation_rows(campaign_id, team_ids))
    column = {name: [str(row[i]) for row in rows] for i, name in enumerate(INVITATION_GROUPS)}
    flags = [row[len(INVITATION_GROUPS) :] for row in rows]
    invitations = Invitations(
        **column,
        flags=np.array(flags, dtype=np.int8).reshape(-1, len(FUNNEL_STAGES)),
    )
    return compute_participation(invitations, int(current_app.config["MIN_GROUP_SIZE"]))


def team_participation(campaign_id: int, team_ids: Collection[int]) -> dict[int, RateGroup]:
    """Participation of some teams, hidden wherever the window's breakdowns hide it.

    Teams sit inside municipalities, whose figures the report publishes: a team's figure is
    shown only when its municipality's is, and teams of one municipality protect each other
    the way municipalities of one area do. So a coordinator cannot subtract their own team
    from a published total to learn about a small neighbour.
    """
    from analysis import suppression
    from analysis.stats import wilson_interval

    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    municipalities = live_participation(campaign_id).by.get("municipality", {})
    completed = func.count(Invitation.completed_at)
    counts = db.session.execute(
        select(Team.id, Municipality.name, func.count(Invitation.id), completed)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Team, Team.id == Meeting.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .where(Meeting.campaign_id == campaign_id)
        .group_by(Team.id, Municipality.name)
    ).tuples()
    teams = {team: (town, invited, done) for team, town, invited, done in counts}
    _, hidden = suppression.nested(
        {town: group.invited or 0 for town, group in municipalities.items()},
        {town for town, group in municipalities.items() if group.suppressed},
        {str(team): invited for team, (_town, invited, _done) in teams.items()},
        {str(team) for team, (_t, invited, done) in teams.items() if min(invited, done) < minimum},
        {str(team): town for team, (town, _i, _d) in teams.items()},
    )
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
