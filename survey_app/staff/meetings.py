"""Registering SIP meetings (coordinators, admins) and following their invitations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.domain.meetings import (
    RegistrationProblems,
    open_campaign,
    register_meeting,
    registration_campaign,
    waits_for_opening,
)
from survey_app.extensions import db
from survey_app.messaging.status import campaign_status, meeting_status
from survey_app.models import Campaign, Meeting, StaffRole, Team, utcnow
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff, require_team, team_ids_for, visible_teams
from survey_app.staff.meeting_forms import MeetingForm
from survey_app.staff.navigation import add_menu_entry

ViewResult = str | WerkzeugResponse

add_menu_entry(
    "staff.new_meeting",
    _l("Registrera SIP-möte"),
    _l("Efter ett SIP-möte: registrera mötet så får familjen sms med en länk till enkäten."),
    order=10,
)
add_menu_entry(
    "staff.meetings",
    _l("Möten och utskick"),
    _l("Se om inbjudningarna har skickats, kommit fram, öppnats och besvarats."),
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


@blueprint.get("/meetings")
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def meetings() -> str:
    campaign = _shown_campaign()
    status = campaign_status(campaign.id, team_ids_for(current_staff())) if campaign else None
    return render_template(
        "staff/meetings/list.html",
        campaign=campaign,
        status=status,
        yes=_("Ja"),
        no=_("Nej"),
    )


@blueprint.get("/meetings/<int:meeting_id>")
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def meeting(meeting_id: int) -> str:
    """One meeting's invitations; another team's meeting is 404, as if it did not exist."""
    found = db.session.get(Meeting, meeting_id)
    if found is None:
        abort(404)
    require_team(found.team_id)
    return render_template(
        "staff/meetings/detail.html",
        status=meeting_status(found),
        ended=found.campaign.has_ended(utcnow()),
        yes=_("Ja"),
        no=_("Nej"),
    )
