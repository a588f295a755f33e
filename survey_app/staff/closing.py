"""Ending a window from the staff pages (admin): close it now, or give families more time.

Closing is `close_campaign`, the same call as `flask campaign close`, with the same warning
first and the same consequences: sending stops, phone numbers and unfinished answers are
deleted for good, the window is frozen and its report is made. Running it again changes
nothing, except that a report which failed the first time is made again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.validators import InputRequired, ValidationError

from survey_app.domain import audit
from survey_app.domain.lifecycle import ENDED_STATES, CloseSummary, close_campaign
from survey_app.extensions import db
from survey_app.models import Campaign, StaffRole, utcnow
from survey_app.reporting.reports import has_report
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff
from survey_app.staff.admin_forms import (
    DATETIME_LOCAL_FORMAT,
    ConfirmForm,
    LocalDateTimeField,
    to_local,
    to_utc,
)
from survey_app.staff.display import local_time
from survey_app.staff.forms import StaffForm

ViewResult = str | WerkzeugResponse
CAMPAIGN_EXTENDED = "campaign_extended"
#: A later end than this is almost surely a typo (2207 for 2027).
LONGEST_EXTENSION = timedelta(days=366)


class ExtendForm(StaffForm):
    closes_at = LocalDateTimeField(
        _l("Nytt slut (svensk tid)"),
        format=DATETIME_LOCAL_FORMAT,
        unreadable=_l("Skriv datum och tid som 2027-05-31 23:59."),
        validators=[
            InputRequired(_l("Ange när perioden ska stänga, till exempel 2027-06-30 23:59."))
        ],
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def validate_closes_at(self, field: LocalDateTimeField) -> None:
        if field.data is None:
            return  # unreadable: its own message is already there
        new_end = to_utc(field.data)
        if new_end <= self.campaign.closes_at:
            raise ValidationError(
                _(
                    "Det nya slutet måste ligga efter det nuvarande, %(closes)s.",
                    closes=local_time(self.campaign.closes_at),
                )
            )
        if new_end > utcnow() + LONGEST_EXTENSION:
            raise ValidationError(_("Det nya slutet får ligga högst ett år fram i tiden."))


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def can_extend(campaign: Campaign) -> bool:
    """Only a window that still takes (or will take) answers: a closed one stays closed."""
    return not campaign.has_ended(utcnow())


def needs_report(campaign: Campaign) -> bool:
    """Closed, but the report failed: closing again makes it."""
    return campaign.state in ENDED_STATES and not has_report(campaign.id)


def _flash_summary(summary: CloseSummary) -> None:
    if summary.already_closed:
        flash(_("Perioden var redan stängd. Inget ändrades."), "info")
    else:
        flash(
            _(
                "Perioden är stängd: %(cancelled)s sms stoppade, %(drafts)s påbörjade svar "
                "räknade och raderade, %(phones)s telefonnummer raderade.",
                cancelled=summary.messages_cancelled,
                drafts=summary.drafts_discarded,
                phones=summary.phones_deleted,
            ),
            "success",
        )
    if summary.report_error is not None:
        flash(
            _(
                "Rapporten kunde inte göras (%(error)s). Perioden är stängd ändå. "
                "Försök igen med knappen nedan.",
                error=summary.report_error,
            ),
            "error",
        )
    elif summary.report_directory is not None:
        flash(_("Rapporten är klar och finns under Resultat."), "success")


@blueprint.route("/campaigns/<int:campaign_id>/close", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def close_window(campaign_id: int) -> ViewResult:
    campaign = _campaign_or_404(campaign_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        summary = close_campaign(campaign.id, utcnow(), current_staff(), manual=True)
        _flash_summary(summary)
        return redirect(url_for("staff.edit_campaign", campaign_id=campaign.id))
    if campaign.state in ENDED_STATES and not needs_report(campaign):
        flash(_("Perioden är redan stängd."), "info")
        return redirect(url_for("staff.edit_campaign", campaign_id=campaign.id))
    return render_template(
        "staff/campaigns/close.html",
        campaign=campaign,
        form=form,
        early=utcnow() < campaign.closes_at,
        retry=campaign.state in ENDED_STATES,
    )


@blueprint.route("/campaigns/<int:campaign_id>/extend", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def extend_window(campaign_id: int) -> ViewResult:
    campaign = _campaign_or_404(campaign_id)
    if not can_extend(campaign):
        flash(_("En stängd period kan inte förlängas."), "error")
        return redirect(url_for("staff.edit_campaign", campaign_id=campaign.id))
    form = ExtendForm(campaign=campaign, data={"closes_at": to_local(campaign.closes_at)})
    if form.validate_on_submit():
        before, after = campaign.closes_at, to_utc(form.closes_at.data)
        now = utcnow()
        # Only while it is still running: the worker may close it at this very moment.
        extended = db.session.execute(
            update(Campaign)
            .where(
                Campaign.id == campaign.id,
                Campaign.state.not_in(ENDED_STATES),
                Campaign.closes_at > now,
            )
            .values(closes_at=after)
        )
        if extended.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            flash(_("Perioden hann stängas innan den förlängdes."), "error")
        else:
            audit.record(
                current_staff(),
                CAMPAIGN_EXTENDED,
                "campaign",
                campaign.id,
                closes_at=[before.isoformat(), after.isoformat()],
            )
            db.session.commit()
            flash(_("Perioden är förlängd till %(closes)s.", closes=local_time(after)), "success")
        return redirect(url_for("staff.edit_campaign", campaign_id=campaign.id))
    return render_template("staff/campaigns/extend.html", campaign=campaign, form=form)
