"""Hand-over: a child's link delivered to a guardian's phone, answered on that phone.

The guardian answers first; their thank-you page then offers "Nu är det barnets tur". The
session switches to the child's invitation only, so nothing of the guardian's stays in it,
and nothing the child answers is ever shown on the phone afterwards.
"""

from __future__ import annotations

from flask import flash, g, redirect, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.domain.answering import record_opened
from survey_app.extensions import db
from survey_app.models import Invitation
from survey_app.respond import blueprint
from survey_app.respond.views import INVITATION_KEY
from survey_app.respond.visit import handover_child_id
from survey_app.web.access import public


class HandoverForm(FlaskForm):
    """The "Nu är det barnets tur" button; carries only the CSRF token."""


@blueprint.post("/barnets-tur")
@public(reason="family path: acts only on the session's own completed guardian invitation")
def hand_over() -> WerkzeugResponse:
    child_id = handover_child_id(g.visit)
    child = db.session.get(Invitation, child_id) if child_id is not None else None
    if child is None:
        return redirect(url_for(".start_page"))  # shows whatever the session's link allows
    if not HandoverForm().validate_on_submit():
        flash(_("Sidan hade varit öppen länge. Tryck på knappen en gång till."), "error")
        return redirect(url_for(".thanks"))
    session.clear()  # the child's turn starts afresh: nothing of the guardian's goes along
    session[INVITATION_KEY] = child.id
    record_opened(child.id, child.role, child.meeting.campaign_id)
    return redirect(url_for(".start_page"))
