"""The site's front door, `/`: it leads to the staff login.

Families never come here (their SMS link goes straight to `/s/<token>`). In development the
page also says where the demo families' links are and how the queued SMS go out.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import refresh
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.i18n import STAFF_LANGUAGES
from survey_app.web.access import public

blueprint = Blueprint("front", __name__)


@blueprint.get("/")
@public(reason="the front door: a link to the staff login, and nothing about anyone")
def front_door() -> str | WerkzeugResponse:
    if current_app.config.get("SURVEY_ENV") != "development" or current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    refresh()
    g.staff_language = request.accept_languages.best_match(STAFF_LANGUAGES) or "sv"
    return render_template("staff/front_door.html")
