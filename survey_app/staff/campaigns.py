"""Collection windows (admin): list, create, and edit while the window has not opened.

Extending and closing a window are in `closing`; a window's page links to them.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.domain import audit
from survey_app.domain.lifecycle import ENDED_STATES
from survey_app.extensions import db
from survey_app.models import Campaign, CampaignState, StaffRole, utcnow
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff
from survey_app.staff.admin_forms import CampaignForm, to_local, to_utc
from survey_app.staff.closing import can_extend, needs_report
from survey_app.staff.navigation import add_menu_entry

ViewResult = str | WerkzeugResponse

add_menu_entry(
    "staff.campaigns",
    _l("Insamlingsperioder"),
    _l("Lägg upp och ändra perioderna då familjer kan svara."),
    order=60,
)


def is_editable(campaign: Campaign) -> bool:
    """Times and reminders may change only before the window has opened."""
    return campaign.state == CampaignState.DRAFT and campaign.opens_at > utcnow()


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _form_values(form: CampaignForm) -> dict[str, Any]:
    return {
        "name": form.name.data.strip(),
        "opens_at": to_utc(form.opens_at.data),
        "closes_at": to_utc(form.closes_at.data),
        "reminder_count": form.reminder_count.data,
        "reminder_delay_days": form.reminder_delay_days.data,
    }


def _audit_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@blueprint.get("/campaigns")
@allow(StaffRole.ADMIN)
def campaigns() -> str:
    rows = db.session.scalars(select(Campaign).order_by(Campaign.opens_at.desc())).all()
    return render_template(
        "staff/campaigns/list.html", campaigns=rows, editable={c.id for c in rows if is_editable(c)}
    )


@blueprint.route("/campaigns/new", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def new_campaign() -> ViewResult:
    form = CampaignForm()
    if form.validate_on_submit():
        campaign = Campaign(state=CampaignState.DRAFT, **_form_values(form))
        db.session.add(campaign)
        db.session.flush()
        audit.record(
            current_staff(),
            audit.CAMPAIGN_CREATED,
            "campaign",
            campaign.id,
            **{key: _audit_value(value) for key, value in _form_values(form).items()},
        )
        db.session.commit()
        flash(_("Insamlingsperioden är sparad."), "info")
        return redirect(url_for("staff.campaigns"))
    return render_template("staff/campaigns/form.html", form=form, campaign=None)


@blueprint.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def edit_campaign(campaign_id: int) -> ViewResult:
    campaign = _campaign_or_404(campaign_id)
    ending = _ending(campaign)
    if not is_editable(campaign):
        return render_template("staff/campaigns/show.html", campaign=campaign, **ending)
    form = CampaignForm(
        data={
            "name": campaign.name,
            "opens_at": to_local(campaign.opens_at),
            "closes_at": to_local(campaign.closes_at),
            "reminder_count": campaign.reminder_count,
            "reminder_delay_days": campaign.reminder_delay_days,
        }
    )
    if form.validate_on_submit():
        values = _form_values(form)
        changes = {
            key: [_audit_value(getattr(campaign, key)), _audit_value(value)]
            for key, value in values.items()
            if getattr(campaign, key) != value
        }
        for key, value in values.items():
            setattr(campaign, key, value)
        if changes:
            audit.record(
                current_staff(), audit.CAMPAIGN_CHANGED, "campaign", campaign.id, changes=changes
            )
        db.session.commit()
        flash(_("Ändringarna är sparade."), "info")
        return redirect(url_for("staff.campaigns"))
    return render_template("staff/campaigns/form.html", form=form, campaign=campaign, **ending)


def _ending(campaign: Campaign) -> dict[str, bool]:
    """Which of extend, close and make-the-report-again the window's page offers."""
    return {
        "can_extend": can_extend(campaign),
        "can_close": campaign.state not in ENDED_STATES,
        "needs_report": needs_report(campaign),
    }
