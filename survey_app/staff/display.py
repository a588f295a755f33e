"""How staff pages show times and states: Swedish wall-clock time, words instead of codes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from flask import g
from flask_babel import LazyString, lazy_pgettext
from flask_babel import lazy_gettext as _l

from survey_app.i18n import language_label, language_name
from survey_app.models import AgeBand, CampaignState, Role
from survey_app.staff import blueprint
from survey_app.staff.admin_forms import LOCAL_TIME, ROLE_LABELS
from survey_app.staff.meeting_list import SmsState

K = TypeVar("K")

STATE_LABELS = {
    CampaignState.DRAFT: _l("Utkast (inte öppnad)"),
    CampaignState.OPEN: _l("Öppen"),
    CampaignState.CLOSED: _l("Stängd"),
    CampaignState.ANALYSED: _l("Sammanställd"),
}

#: Who one invitation is for (singular, where the same Swedish word elsewhere is a plural).
INVITEE_LABELS = {
    Role.GUARDIAN: lazy_pgettext("one invitee", "Vårdnadshavare"),
    Role.CHILD: lazy_pgettext("one invitee", "Barn 6–11 år"),
    Role.YOUTH: lazy_pgettext("one invitee", "Ungdom 12–18 år"),
}
AGE_BAND_LABELS = {
    AgeBand.UNDER_6: _l("0–5 år"),
    AgeBand.CHILD: _l("6–11 år"),
    AgeBand.YOUTH: _l("12–18 år"),
}
#: What became of an invitation SMS, in words.
SMS_STATE_LABELS = {
    SmsState.WAITING: _l("Väntar på att skickas"),
    SmsState.SENT: _l("Skickat"),
    SmsState.DELIVERED: _l("Kom fram"),
    SmsState.FAILED: _l("Kunde inte skickas"),
    SmsState.STOPPED: _l("Stoppat"),
    SmsState.NONE: _l("Inget sms"),
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


@blueprint.app_template_filter("language_label")
def language_label_filter(code: str) -> str:
    """A family language code as "Tigrinja – ትግርኛ" in the staff member's language."""
    return language_label(code)


@blueprint.app_template_filter("language_name")
def language_name_filter(code: str) -> str:
    """A family language's name alone in the staff member's language ("Tigrinja")."""
    return language_name(code)


def translated(labels: Mapping[K, LazyString]) -> dict[K, str]:
    """A table of labels in the request's language, translated once per request.

    A list of 50 meetings asks for a few hundred labels; each lazy string looks its catalogue
    up again, which was a third of the page's time.
    """
    cache: dict[int, dict[Any, str]] = g.setdefault("translated_labels", {})
    if id(labels) not in cache:
        cache[id(labels)] = {key: str(label) for key, label in labels.items()}
    return cache[id(labels)]


@blueprint.app_template_filter("invitee")
def invitee(role: Role) -> str:
    return translated(INVITEE_LABELS).get(role, role)


@blueprint.app_template_filter("age_band")
def age_band(band: AgeBand) -> str:
    return translated(AGE_BAND_LABELS).get(band, band)


@blueprint.app_template_filter("sms_state")
def sms_state(state: SmsState) -> str:
    return translated(SMS_STATE_LABELS).get(state, state)
