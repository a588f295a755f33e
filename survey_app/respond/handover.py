"""Hand-over: a child's link delivered to a guardian's phone, answered on that phone.

The guardian answers first; their thank-you page then offers "Nu är det barnets tur". The
session switches to the child's invitation only, so nothing of the guardian's stays in it,
and nothing the child answers is ever shown on the phone afterwards.
"""

from __future__ import annotations

from flask import flash, g, redirect, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from ..answering import record_opened
from ..extensions import db
from ..models import Invitation, Role
from ..staff.access import public
from . import blueprint
from .views import INVITATION_KEY
from .visit import Visit


class HandoverForm(FlaskForm):
    """The "Nu är det barnets tur" button; carries only the CSRF token."""


def handover_child(guardian: Visit | None) -> Invitation | None:
    """The child who may answer next on this guardian's phone, or None.

    Only after the guardian has answered: the child should not be handed a phone in the middle
    of the guardian's form, and a completed guardian has nothing left to see in the session.
    """
    if guardian is None or guardian.role != Role.GUARDIAN or guardian.completed_at is None:
        return None
    return db.session.scalar(
        select(Invitation)
        .where(
            Invitation.handover_from_id == guardian.id,
            Invitation.completed_at.is_(None),
            Invitation.opted_out_at.is_(None),
        )
        .order_by(Invitation.id)
        .limit(1)
    )


blueprint.add_app_template_global(handover_child, "handover_child")


@blueprint.post("/barnets-tur")
@public(reason="family path: acts only on the session's own completed guardian invitation")
def hand_over() -> WerkzeugResponse:
    child = handover_child(g.visit)
    if child is None:
        return redirect(url_for(".start_page"))  # shows whatever the session's link allows
    if not HandoverForm().validate_on_submit():
        flash(_("Sidan hade varit öppen länge. Tryck på knappen en gång till."), "error")
        return redirect(url_for(".thanks"))
    session.clear()  # the child's turn starts afresh: nothing of the guardian's goes along
    session[INVITATION_KEY] = child.id
    record_opened(child)
    return redirect(url_for(".start_page"))
