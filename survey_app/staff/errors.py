"""Error pages in the staff layout: not allowed (403) and not found (404)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from . import blueprint


@blueprint.app_errorhandler(403)
def forbidden(error: HTTPException) -> tuple[str, int]:
    return render_template(
        "staff/message.html",
        title=_("Du har inte behörighet"),
        message=_(
            "Din roll ger inte tillgång till den här sidan. Fråga en administratör om du "
            "behöver den."
        ),
    ), 403


@blueprint.errorhandler(404)
def not_found(error: HTTPException) -> tuple[str, int]:
    return render_template(
        "staff/message.html",
        title=_("Sidan finns inte"),
        message=_("Det du letar efter finns inte, eller hör till ett annat team."),
    ), 404
