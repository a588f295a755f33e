"""Correct, resend or withdraw an invitation from the meeting page (its team's coordinator, admin).

The actions themselves are in survey_app.domain.invitations; these views check who may act on
which invitation (another team's is 404, as if it did not exist), confirm, and say what
happened. No page shows a number or a link: a correction is typed, not read back.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectField, TelField

from survey_app.domain.invitations import (
    Correction,
    InvitationActionRefused,
    correct_invitation,
    resend_invitation,
    withdraw_invitation,
)
from survey_app.extensions import db
from survey_app.models import Invitation, StaffRole
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff, require_team
from survey_app.staff.forms import StaffForm
from survey_app.staff.meeting_forms import PHONE_HINT, language_choices

ViewResult = str | WerkzeugResponse


class CorrectionForm(StaffForm):
    phone = TelField(
        _l("Rätt mobilnummer"),
        description=_l("Lämna tomt om bara språket ska ändras. %(hint)s", hint=PHONE_HINT),
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    language = SelectField(_l("Språk"))


class ConfirmForm(StaffForm):
    """A button that carries only the CSRF token."""


def _invitation(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    require_team(invitation.meeting.team_id)
    return invitation


def _back(invitation: Invitation) -> WerkzeugResponse:
    return redirect(url_for(".meeting", meeting_id=invitation.meeting_id))


@blueprint.route("/invitations/<int:invitation_id>/correct", methods=["GET", "POST"])
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def correct(invitation_id: int) -> ViewResult:
    invitation = _invitation(invitation_id)
    form = CorrectionForm(language=invitation.language)
    form.language.choices = language_choices()
    if form.validate_on_submit():
        correction = Correction(
            phone=form.phone.data.strip() or None if form.phone.data else None,
            language=form.language.data if form.language.data != invitation.language else None,
        )
        try:
            correct_invitation(invitation, correction, current_staff())
        except InvitationActionRefused as refused:
            db.session.rollback()
            field = form._fields.get(refused.field or "")
            if field is not None:
                field.errors = [*field.errors, refused.message]
            else:
                flash(refused.message, "error")
        else:
            flash(
                _(
                    "Inbjudan är rättad. Den gamla länken fungerar inte längre, och en ny "
                    "skickas med sms."
                ),
                "success",
            )
            return _back(invitation)
    return render_template(
        "staff/meetings/correct.html", form=form, invitation=invitation, action="correct"
    )


def _confirmed_action(invitation_id: int, action: str) -> ViewResult:
    invitation = _invitation(invitation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            if action == "resend":
                resend_invitation(invitation, current_staff())
                flash(
                    _("Länken skickas igen med sms (en ny länk; den gamla fungerar också)."),
                    "success",
                )
            else:
                withdraw_invitation(invitation, current_staff())
                flash(_("Inbjudan är återkallad. Länken fungerar inte längre."), "success")
        except InvitationActionRefused as refused:
            db.session.rollback()
            flash(refused.message, "error")
        return _back(invitation)
    return render_template(
        "staff/meetings/confirm_action.html", form=form, invitation=invitation, action=action
    )


@blueprint.route("/invitations/<int:invitation_id>/resend", methods=["GET", "POST"])
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def resend(invitation_id: int) -> ViewResult:
    return _confirmed_action(invitation_id, "resend")


@blueprint.route("/invitations/<int:invitation_id>/withdraw", methods=["GET", "POST"])
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def withdraw(invitation_id: int) -> ViewResult:
    return _confirmed_action(invitation_id, "withdraw")
