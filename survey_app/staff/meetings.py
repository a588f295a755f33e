"""Registering SIP meetings (coordinators, admins) and following their invitations."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.domain import audit
from survey_app.domain.meetings import (
    RegistrationProblems,
    open_campaign,
    register_meeting,
    registration_campaign,
    waits_for_opening,
)
from survey_app.extensions import db
from survey_app.models import Campaign, Meeting, StaffRole, Team, utcnow
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff, require_team, team_ids_for, visible_teams
from survey_app.staff.meeting_csv import meetings_as_csv
from survey_app.staff.meeting_forms import MeetingForm, MeetingSearchForm, local_today
from survey_app.staff.meeting_list import all_meetings, find_meetings, meeting_row
from survey_app.staff.navigation import add_menu_entry

ViewResult = str | WerkzeugResponse
PAGE_SIZE = 50
MEETINGS_DOWNLOADED = "meetings_downloaded"

add_menu_entry(
    "staff.new_meeting",
    _l("Registrera SIP-möte"),
    _l("Efter ett SIP-möte: registrera mötet så får familjen sms med en länk till enkäten."),
    order=10,
)
add_menu_entry(
    "staff.meetings",
    _l("Möten och utskick"),
    _l("Sök bland mötena och se om deras sms har skickats och kommit fram."),
    order=20,
)


def _team_choices() -> list[tuple[int, str]]:
    teams = db.session.scalars(select(Team).where(Team.active).order_by(Team.name)).all()
    return [(team.id, team.name) for team in visible_teams(current_staff(), teams)]


def _attach(form: MeetingForm, problems: RegistrationProblems) -> None:
    """Show each problem next to its field; problems without a field go to the top."""
    for name, message in problems.by_field.items():
        field = form._fields.get(name)
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message]


@blueprint.route("/meetings/new", methods=["GET", "POST"])
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def new_meeting() -> ViewResult:
    teams = _team_choices()
    form = MeetingForm(teams=teams)
    campaign = registration_campaign()
    if form.validate_on_submit():
        try:
            registered = register_meeting(form.details(), current_staff(), campaign)
        except RegistrationProblems as problems:
            db.session.rollback()
            _attach(form, problems)
        else:
            # Counts only: the numbers typed are not shown again anywhere.
            flash(
                ngettext(
                    "Mötet är registrerat. %(num)d inbjudan skickas med sms.",
                    "Mötet är registrerat. %(num)d inbjudningar skickas med sms.",
                    registered.invitations,
                ),
                "success",
            )
            # Someone who will not open a link in an SMS can get a letter, printed from the
            # meeting's page (a letter makes its own link).
            flash(
                Markup('{} <a href="{}">{}</a>').format(
                    _("Behöver någon inbjudan på papper?"),
                    url_for(".meeting", meeting_id=registered.meeting_id),
                    _("Skriv ut ett brev från mötets sida."),
                ),
                "info",
            )
            return redirect(url_for(".new_meeting"))
    return render_template(
        "staff/meetings/new.html",
        form=form,
        campaign=campaign,
        waiting=campaign is not None and waits_for_opening(campaign),
        has_teams=bool(teams),
    )


def _shown_campaign() -> Campaign | None:
    """The open window, else the most recent one."""
    return open_campaign() or db.session.scalar(
        select(Campaign).order_by(Campaign.opens_at.desc()).limit(1)
    )


def _search_form() -> MeetingSearchForm:
    periods = db.session.execute(
        select(Campaign.id, Campaign.name).order_by(Campaign.opens_at.desc())
    ).all()
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    shown = _shown_campaign()
    return MeetingSearchForm(
        request.args,
        periods=[(key, name) for key, name in periods],
        teams=[(team.id, team.name) for team in visible_teams(current_staff(), teams)],
        default_period=shown.id if shown else None,
    )


@blueprint.get("/meetings")
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def meetings() -> str:
    form = _search_form()
    if not form.validate():
        return render_template("staff/meetings/list.html", form=form, found=None)
    search = form.search(team_ids_for(current_staff()))
    found = find_meetings(search, request.args.get("page", 1, type=int) or 1, PAGE_SIZE)
    return render_template(
        "staff/meetings/list.html",
        form=form,
        found=found,
        query={key: value for key, value in request.args.items() if key != "page"},
    )


@blueprint.get("/meetings.csv")
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def meetings_csv() -> ViewResult:
    """The searched meetings, one row per invitation: SMS states only, never answers or numbers."""
    form = _search_form()
    if not form.validate():
        return render_template("staff/meetings/list.html", form=form, found=None)
    rows = all_meetings(form.search(team_ids_for(current_staff())))
    body, meetings_written = meetings_as_csv(rows)
    audit.record(current_staff(), MEETINGS_DOWNLOADED, "meetings", None, meetings=meetings_written)
    db.session.commit()
    name = f"moten-{local_today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.get("/meetings/<int:meeting_id>")
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def meeting(meeting_id: int) -> str:
    """One meeting's invitations; another team's meeting is 404, as if it did not exist."""
    found = db.session.get(Meeting, meeting_id)
    if found is None:
        abort(404)
    require_team(found.team_id)
    row = meeting_row(found.id)
    return render_template(
        "staff/meetings/detail.html",
        meeting=row,
        campaign=found.campaign,
        ended=found.campaign.has_ended(utcnow()),
    )
