"""Publishing "Det här blev det" (admin): per area, what the teams will change, and by when.

Once a window is closed and analysed, an admin writes, for each area, one to three things the
area's teams will change, with the date they will report back, and publishes. Families then
see the summary through their old links and the area's public address (a QR code for posters).
The figures are the report's, already through the small-group rule: the page shows them as the
families will see them, and staff cannot change them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import DateField, Field, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from survey_app.domain.summaries import (
    MAX_ACTIONS,
    area_figures,
    find_summary,
    is_ready,
    publish,
    stored_results,
    teams_of_area,
)
from survey_app.extensions import db
from survey_app.models import ACTION_TEXT_LENGTH, Area, Campaign, StaffRole, utcnow
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff
from survey_app.staff.admin_forms import _ExplainedParse
from survey_app.staff.forms import StaffForm

ViewResult = str | WerkzeugResponse
#: A report-back date further off than this is almost surely a typo.
LATEST_REPORT_BACK = timedelta(days=2 * 366)


class ReportBackField(_ExplainedParse, DateField):
    """A date, with a message a person understands when it is not one."""


class SummaryForm(StaffForm):
    """Up to MAX_ACTIONS actions: a team, a text and a report-back date each (fields below)."""

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_ACTIONS + 1):
            self[f"team_{n}"].choices = [("", _("Välj team"))] + [
                (str(team_id), name) for team_id, name in teams
            ]

    def rows(self) -> list[tuple[Field, Field, Field]]:
        return [
            (self[f"team_{n}"], self[f"text_{n}"], self[f"report_back_{n}"])
            for n in range(1, MAX_ACTIONS + 1)
        ]

    def actions(self) -> list[tuple[int, str, date]]:
        """The filled-in actions (valid only after validate())."""
        return [
            (int(team.data), text.data.strip(), day.data)
            for team, text, day in self.rows()
            if team.data and text.data and text.data.strip() and day.data
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        filled = 0
        for team, text, day in self.rows():
            has_text = bool(text.data and text.data.strip())
            started = (
                bool(team.data)
                or has_text
                or day.data is not None
                or bool(day.raw_data and day.raw_data[0])
            )
            if not started:
                continue
            filled += 1
            if not team.data:
                team.errors = [*team.errors, _("Välj vilket team som ska göra det här.")]
                valid = False
            if not has_text:
                text.errors = [*text.errors, _("Skriv vad teamet ska ändra.")]
                valid = False
            if day.data is None and not day.errors:
                day.errors = [
                    *day.errors,
                    _("Skriv när ni berättar hur det gick, till exempel 2027-03-01."),
                ]
                valid = False
            elif day.data is not None and not (
                utcnow().date() < day.data <= utcnow().date() + LATEST_REPORT_BACK
            ):
                day.errors = [
                    *day.errors,
                    _("Datumet ska ligga efter i dag och högst två år fram."),
                ]
                valid = False
        if filled == 0:
            first = self["text_1"]
            first.errors = [*first.errors, _("Skriv minst en sak som teamen ska ändra.")]
            valid = False
        return valid


for _n in range(1, MAX_ACTIONS + 1):
    setattr(SummaryForm, f"team_{_n}", SelectField(_l("Team"), validate_choice=False))
    setattr(
        SummaryForm,
        f"text_{_n}",
        TextAreaField(
            _l("Det här ska teamet ändra"),
            description=_l(
                "Lätt svenska, några korta meningar. Familjer och barn läser det. Skriv inga namn."
            ),
            validators=[
                Optional(),
                Length(
                    max=ACTION_TEXT_LENGTH,
                    message=_l("Texten får ha högst %(max)d tecken. Skriv kort och enkelt."),
                ),
            ],
            render_kw={"maxlength": ACTION_TEXT_LENGTH, "rows": 3},
        ),
    )
    setattr(
        SummaryForm,
        f"report_back_{_n}",
        ReportBackField(
            _l("Vi berättar hur det gick senast"),
            unreadable=_l("Skriv datumet som 2027-03-01."),
            validators=[Optional()],
        ),
    )


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _area_or_404(area_id: int) -> Area:
    area = db.session.get(Area, area_id)
    if area is None:
        abort(404)
    return area


def _check_team(form: SummaryForm, team_ids: set[int]) -> bool:
    valid = True
    for team, _text, _day in form.rows():
        if team.data and (not str(team.data).isdigit() or int(team.data) not in team_ids):
            team.errors = [*team.errors, _("Välj ett av områdets team.")]
            valid = False
    return valid


@blueprint.get("/campaigns/<int:campaign_id>/summaries")
@allow(StaffRole.ADMIN)
def summaries(campaign_id: int) -> str:
    campaign = _campaign_or_404(campaign_id)
    areas = db.session.scalars(select(Area).order_by(Area.name)).all()
    published = {area.id: find_summary(campaign.id, area.id) for area in areas}
    return render_template(
        "staff/summaries/list.html",
        campaign=campaign,
        areas=areas,
        published=published,
        ready=is_ready(campaign),
    )


@blueprint.route("/campaigns/<int:campaign_id>/summaries/<int:area_id>", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def publish_summary(campaign_id: int, area_id: int) -> ViewResult:
    campaign = _campaign_or_404(campaign_id)
    area = _area_or_404(area_id)
    if not is_ready(campaign):
        flash(
            _("Perioden måste vara stängd och rapporten klar innan något kan publiceras."), "error"
        )
        return redirect(url_for("staff.summaries", campaign_id=campaign.id))
    teams = teams_of_area(area.id)
    existing = find_summary(campaign.id, area.id)
    data: dict[str, Any] = {}
    if existing is not None:
        for action in existing.actions:
            data[f"team_{action.position}"] = str(action.team_id)
            data[f"text_{action.position}"] = action.text
            data[f"report_back_{action.position}"] = action.report_back_on
    form = SummaryForm(teams=[(team.id, team.name) for team in teams], data=data)
    submitted = form.validate_on_submit()
    # The team check runs on every POST, so a wrong team is named with the other mistakes.
    teams_valid = _check_team(form, {team.id for team in teams}) if form.is_submitted() else True
    if submitted and teams_valid:
        publish(campaign, area, form.actions(), current_staff())
        db.session.commit()
        flash(_("Sammanfattningen för %(area)s är publicerad.", area=area.name), "success")
        return redirect(url_for("staff.summaries", campaign_id=campaign.id))
    return render_template(
        "staff/summaries/form.html",
        campaign=campaign,
        area=area,
        form=form,
        figures=area_figures(stored_results(campaign.id), area.name),
        published=existing,
    )


@blueprint.get("/summaries/<int:area_id>/qr.svg")
@allow(StaffRole.ADMIN, StaffRole.COORDINATOR)
def summary_qr(area_id: int) -> Response:
    """The area's public address as a QR code (SVG, for posters at the HLT offices)."""
    area = _area_or_404(area_id)
    address = public_address(area.id)
    from segno import make as make_qr  # only for the poster's code (workers need not hold it)

    svg = make_qr(address, error="m").svg_inline(scale=10, border=4, dark="#000", light="#fff")
    return Response(
        '<?xml version="1.0" encoding="utf-8"?>\n' + svg,
        mimetype="image/svg+xml",
        headers={
            "Content-Disposition": f'attachment; filename="sip-resultat-omrade-{area.id}.svg"'
        },
    )


def public_address(area_id: int) -> str:
    """The address families reach the area's summary at (printed on posters)."""
    base = str(current_app.config["SURVEY_BASE_URL"]).rstrip("/")
    return base + url_for("respond.area_summary", area_id=area_id)
