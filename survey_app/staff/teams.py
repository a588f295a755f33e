"""HLT teams (admin): list, add, deactivate or reactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import Municipality, StaffRole, Team
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff
from survey_app.staff.admin_forms import ConfirmForm, TeamForm
from survey_app.staff.navigation import add_menu_entry

add_menu_entry("staff.teams", _l("Team"), _l("Se, lägg till och avveckla HLT-team."), 80)


def _team_form() -> TeamForm:
    form = TeamForm()
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    form.municipality.choices = [SelectChoice(str(m.id), m.name) for m in municipalities]
    return form


@blueprint.route("/teams", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def teams() -> str | WerkzeugResponse:
    form = _team_form()
    if form.validate_on_submit():
        name = form.name.data.strip()
        exists = db.session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
        if exists is not None:
            form.name.errors.append(_("Det finns redan ett team med det namnet."))
        else:
            team = Team(name=name, municipality_id=form.municipality.data)
            db.session.add(team)
            db.session.flush()
            audit.record(current_staff(), audit.TEAM_CREATED, "team", team.id, name=team.name)
            db.session.commit()
            flash(_("Teamet %(name)s är tillagt.", name=team.name), "info")
            return redirect(url_for("staff.teams"))
    rows = db.session.scalars(select(Team).join(Team.municipality).order_by(Team.name)).all()
    return render_template("staff/teams.html", teams=rows, form=form, confirm=ConfirmForm())


@blueprint.post("/teams/<int:team_id>/active")
@allow(StaffRole.ADMIN)
def toggle_team(team_id: int) -> WerkzeugResponse:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    team.active = not team.active
    action = audit.TEAM_ACTIVATED if team.active else audit.TEAM_DEACTIVATED
    audit.record(current_staff(), action, "team", team.id, name=team.name)
    db.session.commit()
    if team.active:
        flash(_("Teamet %(name)s är aktivt igen.", name=team.name), "info")
    else:
        flash(
            _(
                "Teamet %(name)s är avvecklat: inga nya möten kan registreras för det. "
                "Det som redan finns är kvar.",
                name=team.name,
            ),
            "info",
        )
    return redirect(url_for("staff.teams"))
