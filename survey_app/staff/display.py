"""How staff pages show times and states: Swedish wall-clock time, words instead of codes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from survey_app.models import CampaignState
from survey_app.staff import blueprint
from survey_app.staff.admin_forms import LOCAL_TIME, ROLE_LABELS

STATE_LABELS = {
    CampaignState.DRAFT: _l("Utkast (inte öppnad)"),
    CampaignState.OPEN: _l("Öppen"),
    CampaignState.CLOSED: _l("Stängd"),
    CampaignState.ANALYSED: _l("Sammanställd"),
}


@blueprint.app_template_filter("local_time")
def local_time(moment: datetime | None) -> str:
    """An aware moment as "2026-12-01 08:00" in Swedish time; empty for none."""
    if moment is None:
        return ""
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


@blueprint.app_template_filter("campaign_state")
def campaign_state(state: CampaignState) -> str:
    return str(STATE_LABELS.get(state, state))


@blueprint.app_template_filter("role_label")
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))  # type: ignore[call-overload]
