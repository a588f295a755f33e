""" "Jag vill inte få fler sms": the start page's opt-out button.

Records when (opted_out_at) and cancels the queued reminders; nothing else, not even why.
The link keeps working: opting out of SMS is not refusing to answer.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.domain.answering import record_opened
from survey_app.messaging.optout import opt_out
from survey_app.models import utcnow
from survey_app.respond import blueprint
from survey_app.respond.visit import Visit
from survey_app.web.access import public


class OptOutForm(FlaskForm):
    """The opt-out button; carries only the CSRF token."""


@blueprint.app_template_global("opt_out_form")
def opt_out_form() -> OptOutForm:
    return OptOutForm()


@blueprint.post("/inga-fler-sms")
@public(reason="family page; acts only on the invitation the session's own link opened")
def stop_messages() -> str | WerkzeugResponse:
    visit: Visit | None = g.visit
    if visit is None:
        return redirect(url_for(".start_page"))  # explains how to get back in
    if not OptOutForm().validate_on_submit():
        flash(_("Sidan hade varit öppen länge. Tryck på knappen en gång till."), "error")
        return redirect(url_for(".start_page"))
    opt_out(visit.id)
    # The start page was shown (also to a browser without the script's "seen" beacon).
    if not visit.has_ended(utcnow()):
        record_opened(visit.id, visit.role, visit.campaign_id)
    return render_template("respond/opted_out.html")
