"""Error pages in the staff layout: not allowed (403) and not found (404)."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey_app.staff import blueprint
from survey_app.staff.session import keep_posted_form


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


@blueprint.errorhandler(CSRFError)
def form_expired(error: CSRFError) -> tuple[str, int]:
    """A staff form that failed its CSRF check: keep what was typed and offer the form again."""
    kept = keep_posted_form()
    adapter = current_app.url_map.bind("")
    try:
        adapter.match(request.path, method="GET")
        again = request.path
    except HTTPException:  # a button-only POST route: back to the start page
        again = url_for("staff.home")
    message = _(
        "Av säkerhetsskäl kunde formuläret inte tas emot, till exempel för att sidan hade "
        "varit öppen länge eller du hade loggats ut."
    )
    if kept:
        message += " " + _("Det du skrev finns kvar när du öppnar formuläret igen.")
    return render_template(
        "staff/message.html",
        title=_("Formuläret behöver skickas igen"),
        message=message,
        again=again,
    ), 400
