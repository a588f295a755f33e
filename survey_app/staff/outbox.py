"""The SMS outbox for admins: what is queued, sent, failed and why. Never a link.

A message's text is composed for the page with a placeholder where the link goes: the link
itself exists only in the SMS that carried it.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.messaging.outbox import preview
from survey_app.messaging.settings import sms_settings
from survey_app.models import OutboxMessage, StaffRole
from survey_app.staff import blueprint
from survey_app.staff.access import allow
from survey_app.staff.navigation import add_menu_entry

SHOWN = 200

add_menu_entry(
    "staff.outbox",
    _l("Sms-kö"),
    _l("Sms som väntar, har skickats eller inte gick att skicka, och varför."),
    order=80,
)


@blueprint.get("/outbox")
@allow(StaffRole.ADMIN)
def outbox() -> str:
    settings = sms_settings()
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(SHOWN)
    ).all()
    counts: dict[str, int] = {
        state.value: count
        for state, count in db.session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        )
    }
    texts = {message.id: preview(message) for message in messages}
    return render_template(
        "staff/meetings/outbox.html",
        messages=messages,
        counts=counts,
        texts=texts,
        gateway=settings.gateway,
    )
