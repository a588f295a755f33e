"""The staff start page: what this role can do."""

from __future__ import annotations

from flask import render_template

from survey_app.staff import blueprint
from survey_app.staff.access import ALL_STAFF, allow, current_staff, team_ids_for


@blueprint.get("/")
@allow(*ALL_STAFF)
def home() -> str:
    user = current_staff()
    return render_template("staff/home.html", user=user, sees_all_teams=team_ids_for(user) is None)
