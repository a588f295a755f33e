"""Correct, resend, withdraw or print a letter from the meeting page (team's coordinator, admin).

The actions themselves are in survey_app.domain.invitations; these views check who may act on
which invitation (another team's is 404, as if it did not exist), confirm, and say what
happened. No page shows a number or a link: a correction is typed, not read back.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import RadioField, SelectChoice, SelectField, TelField
from wtforms.validators import AnyOf, InputRequired

from survey_app.domain.invitations import (
    Correction,
    InvitationActionRefused,
    correct_invitation,
    resend_invitation,
    withdraw_invitation,
)
from survey_app.domain.letters import letter_refusal, print_letter
from survey_app.extensions import db
from survey_app.messaging.letters import PAPER_SIZES
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


class LetterForm(StaffForm):
    size = RadioField(
        _l("Pappersstorlek"),
        choices=[SelectChoice("A4", _l("A4")), SelectChoice("A5", _l("A5 (ett vikt A4)"))],
        default="A4",
        validate_choice=False,  # AnyOf says it in our words
        # Chosen, not defaulted: a POST without a size makes no link.
        validators=[
            InputRequired(_l("Välj A4 eller A5.")),
            AnyOf(tuple(PAPER_SIZES), message=_l("Välj A4 eller A5.")),
        ],
    )


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


@blueprint.route("/invitations/<int:invitation_id>/letter", methods=["GET", "POST"])
@allow(StaffRole.COORDINATOR, StaffRole.ADMIN)
def letter(invitation_id: int) -> ViewResult:
    """Choose a size, then the PDF (a POST: printing makes a new link)."""
    invitation = _invitation(invitation_id)
    form = LetterForm()
    refusal = letter_refusal(invitation)
    if refusal is None and form.validate_on_submit():
        try:
            printed = print_letter(invitation, form.size.data, current_staff())
        except InvitationActionRefused as refused:
            db.session.rollback()
            refusal = refused.message
        else:
            return Response(
                printed.pdf,
                mimetype="application/pdf",
                headers={
                    "Content-Disposition": f'attachment; filename="{printed.filename}"',
                    "Cache-Control": "no-store",
                },
            )
    return render_template(
        "staff/meetings/letter.html", form=form, invitation=invitation, refusal=refusal
    )
