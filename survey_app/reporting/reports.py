"""A window's report: export the data set, then run the analysis on it, into one folder.

The analysis reads only the exported folder (DIR/data), never the database, so the report
made here and one made by FoU Välfärd with `python -m analysis DIR/data` are the same.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from analysis.anonymity import Cell
from analysis.results import Participation, RateGroup
from survey_app.domain.release import WindowGroups, window_groups
from survey_app.extensions import db
from survey_app.models import ENDED_STATES, Campaign, Municipality, Team
from survey_app.reporting.export import (
    DatasetSummary,
    Progress,
    build_dataset,
    funnel_counts,
    min_group_size,
)

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


def comparable_results(campaign_id: int) -> Path | None:
    """The stored results.json of a window, when a report of another window can compare with
    it: made under this data set contract (it names its window) and at least the k in force."""
    path = report_directory(campaign_id) / RESULTS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    k = int(current_app.config["MIN_GROUP_SIZE"])
    if not isinstance(data, dict) or not isinstance(data.get("window"), dict):
        return None
    earlier_k = data.get("min_group_size")
    if not isinstance(earlier_k, int) or earlier_k < k:
        return None
    return path


def previous_window(campaign_id: int) -> int | None:
    """The latest closed window that ended before this one ended and has a stored report."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    earlier = db.session.scalars(
        select(Campaign.id)
        .where(
            Campaign.id != campaign_id,
            Campaign.state.in_(ENDED_STATES),
            Campaign.closes_at < campaign.closes_at,
        )
        .order_by(Campaign.closes_at.desc(), Campaign.id.desc())
    )
    return next((other for other in earlier if comparable_results(other) is not None), None)


def produce_report(
    campaign_id: int,
    out_dir: Path,
    *,
    export_progress: Progress | None = None,
    analysis_progress: Callable[[str, float], None] | None = None,
    previous: Path | None = None,
) -> Report:
    """Write DIR/data (the data set) and the analysis outputs beside it.

    `previous`: an earlier window's results.json to compare with; by default the stored
    report of the latest earlier window (`previous_window`), when there is one.
    """
    # Imported here: the analysis pulls in numpy, scipy and matplotlib, which the web
    # processes only need when a report is made.
    import analysis

    out_dir = Path(out_dir)
    if previous is None:
        earlier = previous_window(campaign_id)
        previous = comparable_results(earlier) if earlier is not None else None
    dataset = build_dataset(campaign_id, out_dir / DATA_DIRECTORY, export_progress)
    analysis.run(
        out_dir / DATA_DIRECTORY,
        out_dir,
        min_group_size=int(current_app.config["MIN_GROUP_SIZE"]),
        progress=analysis_progress,
        previous=previous,
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


def _class_counts(groups: WindowGroups) -> dict[Cell, InvitationCounts]:
    """Invitations per released class, as the exported invitations.csv would give them."""
    from analysis.dataset import InvitationCounts

    by_class: dict[Cell, InvitationCounts] = {}
    for row in groups.invitations:
        label = groups.release.released(row.cell)
        counts = InvitationCounts(1, int(row.sent), int(row.delivered), int(row.opted_out))
        by_class[label] = by_class.get(label, InvitationCounts()) + counts
    return by_class


def live_participation(campaign_id: int) -> Participation:
    """Participation now, straight from the database, under the closing report's rules.

    The same release as the export and the same analysis function, so a figure shown while
    the window is open is the figure a report and the data set made now would give.
    """
    from analysis.dataset import FunnelCounts, ServiceCounts
    from analysis.participation import compute_participation

    groups = window_groups(campaign_id, min_group_size())
    funnel = {role: FunnelCounts(*counts) for role, counts in funnel_counts(campaign_id).items()}
    services = {key: ServiceCounts(*counts) for key, counts in groups.services.items()}
    return compute_participation(
        _class_counts(groups), dict(groups.answered), funnel, min_group_size(), services
    )


def municipality_participation(
    campaign_id: int, team_ids: Collection[int]
) -> dict[int, tuple[str, RateGroup]]:
    """For each team: its municipality, and that municipality's participation as published.

    Answers are kept by municipality at the finest (no team: PRIVACY.md), so a coordinator
    follows her team through its municipality's row, under the one small-group rule; a
    municipality merged by the release into "Övriga kommuner i …" shows no figure of its own.
    """
    participation = live_participation(campaign_id)
    municipalities = participation.by["municipality"]
    rows = db.session.execute(
        select(Team.id, Municipality.name)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .where(Team.id.in_(list(team_ids)))
    ).tuples()
    hidden = RateGroup(None, None, None, None, True)
    return {team: (town, municipalities.get(town, hidden)) for team, town in rows}
