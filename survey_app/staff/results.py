"""Results for staff: participation while a window is open, the compiled report once closed.

Every figure comes from the analysis, already suppressed for small groups: the closing
report's results.json, or (while a window is open, and for coordinators' own teams) the
same participation function run on the live invitations. Individual answers and free text
are never shown here; analysts get free text only as a file.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import abort, render_template, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from analysis.contract import CHARTS_INDEX
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import ENDED_STATES, Campaign, CampaignState, StaffRole, Team
from survey_app.reporting.reports import (
    DATA_DIRECTORY,
    RESULTS_FILE,
    live_participation,
    municipality_participation,
    report_directory,
)
from survey_app.staff import blueprint
from survey_app.staff.access import ALL_STAFF, allow, current_staff, team_ids_for
from survey_app.staff.meeting_forms import SERVICES
from survey_app.staff.navigation import add_menu_entry

EXPORTED_DATA = "exported_data"
BOTH = frozenset({StaffRole.ADMIN, StaffRole.ANALYST})
ANALYSTS = frozenset({StaffRole.ANALYST})
#: What can be downloaded: file in the report folder → (label, mimetype, who may).
#: Everything at the level of single responses (the data set as CSV, Excel and SPSS files,
#: and free text) is for analysts only; admins get the report.
DOWNLOADS: dict[str, tuple[Any, str, frozenset[StaffRole]]] = {
    "report.html": (_l("Rapport (HTML)"), "text/html", BOTH),
    "report.pdf": (_l("Rapport (PDF)"), "application/pdf", BOTH),
    # The data set carries the free-text answers (which may name people despite the request
    # not to), and single rows are what an intersection of releases works on: analysts only.
    "data.zip": (_l("Data set (CSV och kodbok, zip)"), "application/zip", ANALYSTS),
    "dataset.xlsx": (
        _l("Data set (Excel)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ANALYSTS,
    ),
    "responses.sav": (_l("Svar för SPSS (SAV)"), "application/x-spss-sav", ANALYSTS),
    "free_text.csv": (_l("Fritextsvar (CSV)"), "text/csv", ANALYSTS),
}
BREAKDOWNS = {
    "role": _l("Svarande"),
    "age_band": _l("Barnets ålder"),
    "language_group": _l("Språk"),
    "area": _l("Område"),
    "municipality": _l("Kommun"),
    "child_attended": _l("Barnet med på mötet"),
}
GROUP_LABELS = {
    "guardian": _l("Vårdnadshavare"),
    "child": _l("Barn 6–11 år"),
    "youth": _l("Unga 12–18 år"),
    "0-5": _l("0–5 år"),
    "6-11": _l("6–11 år"),
    "12-18": _l("12–18 år"),
    "sv": _l("Svenska"),
    "other": _l("Annat språk än svenska"),
    "yes": _l("Barnet var med"),
    "partly": _l("Barnet var med en del av mötet"),
    "no": _l("Barnet var inte med"),
}
#: Rows of values the release merged ("*"), so that the groups still add up to the total.
GENERALISED_LABELS = {
    "age_band": _l("Ålder ej angiven"),
    "language_group": _l("Språk ej angivet"),
    "area": _l("Område ej angivet"),
    "municipality": _l("Område och kommun ej angivna"),
    "child_attended": _l("Barnets närvaro ej angiven"),
}
#: The services a coordinator registers, by the names the registration form gives them.
SERVICE_LABELS = {choice.value: choice.label for choice in SERVICES}
QUESTIONNAIRE_LABELS = {
    "sip-guardian": _l("Vårdnadshavare"),
    "sip-child": _l("Barn 6–11 år"),
    "sip-youth": _l("Unga 12–18 år"),
}

add_menu_entry(
    "staff.results",
    _l("Resultat"),
    _l("Hur många som har svarat, och sammanställda resultat när perioden är stängd."),
    order=40,
)


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.state == CampaignState.DRAFT:
        abort(404)
    return campaign


def _stored_results(campaign: Campaign) -> dict[str, Any] | None:
    """The closing report's results.json, once the window is closed and the report made."""
    if campaign.state not in ENDED_STATES:
        return None
    path = report_directory(campaign.id) / RESULTS_FILE
    if not path.is_file():
        return None
    results: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return results


def _downloads_for(campaign: Campaign, role: StaffRole) -> list[tuple[str, Any]]:
    if campaign.state not in ENDED_STATES:
        return []
    folder = report_directory(campaign.id)
    available = []
    for name, (label, _mimetype, roles) in DOWNLOADS.items():
        exists = (
            (folder / DATA_DIRECTORY).is_dir() if name == "data.zip" else (folder / name).is_file()
        )
        if exists and role in roles:
            available.append((name, label))
    return available


def group_label(breakdown: str, group: str) -> str:
    """A group of a participation breakdown in the staff member's language."""
    if group == "*":
        return str(GENERALISED_LABELS.get(breakdown, group))
    if breakdown == "municipality" and group.endswith("/*"):
        return _("Övriga kommuner i %(area)s", area=group.removesuffix("/*"))
    return str(GROUP_LABELS.get(group, group))


def _charts(campaign: Campaign) -> list[str]:
    folder = report_directory(campaign.id) / "charts"
    if campaign.state not in ENDED_STATES or not folder.is_dir():
        return []
    return sorted(path.name for path in folder.glob("*.svg"))


#: The report's charts by the section of the page they belong to (file name prefix).
CHART_SECTIONS = {
    "funnel": "participation",
    "areas": "participation",
    "child_attended": "participation",
    "items-": "answers",
    "parallel": "answers",
    "previous": "previous",
}


def _section(name: str) -> str:
    return next(
        (section for prefix, section in CHART_SECTIONS.items() if name.startswith(prefix)),
        "answers",
    )


def _chart_texts(campaign: Campaign) -> dict[str, list[tuple[str, str, str]]]:
    """Per section of the page: (file, title, text alternative) of each chart, in the
    report's order; the text alternative is the figures the chart shows, in words."""
    folder = report_directory(campaign.id) / "charts"
    index_path = folder / CHARTS_INDEX
    index: dict[str, dict[str, str]] = {}
    if index_path.is_file():
        index = json.loads(index_path.read_text(encoding="utf-8"))
    files = _charts(campaign)
    ordered = [name for name in index if name in files]
    ordered += [name for name in files if name not in index]
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for name in ordered:
        entry = index.get(name, {})
        title = entry.get("title", name)
        sections.setdefault(_section(name), []).append(
            (name, title, entry.get("description") or title)
        )
    return sections


def _points(value: float) -> str:
    rounded = round(value * 100)
    return f"+{rounded}" if rounded > 0 else str(rounded)


def previous_rows(stored: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The comparison with the previous window as table rows (hidden ones stay hidden)."""
    previous = (stored or {}).get("previous")
    if not previous:
        return []
    rows = []

    def add(label: str, change: dict[str, Any], now: float | None, before: float | None) -> None:
        hidden = change["suppressed"] or change["difference"] is None or now is None
        row: dict[str, Any] = {"label": label, "suppressed": hidden}
        if not hidden:
            low, high = change["difference_ci"]
            row |= {
                "before": before,
                "now": now,
                "points": _points(change["difference"]),
                "low": _points(low),
                "high": _points(high),
                "p_adjusted": change["p_adjusted"],
            }
        rows.append(row)

    overall = previous["participation"]["overall"]
    add(
        _("Svarsfrekvens, alla"),
        overall,
        stored["participation"]["overall"]["rate"] if stored else None,
        overall["rate"],
    )
    for questionnaire, items in previous["items"].items():
        role = QUESTIONNAIRE_LABELS.get(questionnaire, questionnaire)
        for key, change in items.items():
            item = stored["items"][questionnaire][key] if stored else {}
            if item.get("dimension") == "filter":
                continue
            add(
                f"{item.get('text', key)} ({role})",
                change,
                item.get("positive_share"),
                change["positive_share"],
            )
    return rows


@blueprint.get("/results")
@allow(*ALL_STAFF)
def results() -> str:
    campaigns = db.session.scalars(
        select(Campaign)
        .where(Campaign.state != CampaignState.DRAFT)
        .order_by(Campaign.opens_at.desc())
    ).all()
    return render_template("staff/results/list.html", campaigns=campaigns)


@blueprint.get("/results/<int:campaign_id>")
@allow(*ALL_STAFF)
def campaign_results(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    user = current_staff()
    own_teams = team_ids_for(user)
    if own_teams is not None:
        teams = db.session.scalars(
            select(Team).where(Team.id.in_(own_teams)).order_by(Team.name)
        ).all()
        figures = municipality_participation(campaign.id, [team.id for team in teams])
        rows = [(team, *figures[team.id]) for team in teams]
        return render_template("staff/results/teams.html", campaign=campaign, rows=rows)
    stored = _stored_results(campaign)
    participation = stored["participation"] if stored else asdict(live_participation(campaign.id))
    return render_template(
        "staff/results/campaign.html",
        campaign=campaign,
        stored=stored,
        participation=participation,
        breakdowns=BREAKDOWNS,
        group_label=group_label,
        service_labels=SERVICE_LABELS,
        questionnaire_labels=QUESTIONNAIRE_LABELS,
        downloads=_downloads_for(campaign, user.role),
        charts=_chart_texts(campaign),
        previous=(stored or {}).get("previous"),
        previous_rows=previous_rows(stored),
        live_rows=[]
        if stored
        else [
            (group_label(name, group), figures)
            for name in ("role", "area")
            for group, figures in participation["by"][name].items()
        ],
    )


def _zip_of(folder: Path) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                archive.write(path, arcname=f"data/{path.name}")
    buffer.seek(0)
    return buffer


@blueprint.get("/results/<int:campaign_id>/download/<name>")
@allow(StaffRole.ADMIN, StaffRole.ANALYST)
def download(campaign_id: int, name: str) -> WerkzeugResponse:
    """A report file or export; every download is recorded in the audit log."""
    campaign = _campaign_or_404(campaign_id)
    user = current_staff()
    if name not in DOWNLOADS or campaign.state not in ENDED_STATES:
        abort(404)
    _label, mimetype, roles = DOWNLOADS[name]
    if user.role not in roles:
        abort(403)
    folder = report_directory(campaign.id)
    download_name = f"sip-uppfoljning-{campaign.id}-{name}"
    if name == "data.zip":
        if not (folder / DATA_DIRECTORY).is_dir():
            abort(404)
        body: Any = _zip_of(folder / DATA_DIRECTORY)
    elif (folder / name).is_file():
        body = str(folder / name)
    else:
        abort(404)
    audit.record(user, EXPORTED_DATA, "campaign", campaign.id, file=name)
    db.session.commit()
    return send_file(body, mimetype=mimetype, as_attachment=True, download_name=download_name)


@blueprint.get("/results/<int:campaign_id>/charts/<name>")
@allow(StaffRole.ADMIN, StaffRole.ANALYST)
def chart(campaign_id: int, name: str) -> WerkzeugResponse:
    """One chart of the closing report (SVG, drawn from suppressed figures only)."""
    campaign = _campaign_or_404(campaign_id)
    if name not in _charts(campaign):
        abort(404)
    return send_file(report_directory(campaign.id) / "charts" / name, mimetype="image/svg+xml")
