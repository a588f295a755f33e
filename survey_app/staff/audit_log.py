"""The audit log (admin): every recorded staff action in words, newest first, filterable.

Filter by person, by action and by date (Swedish days); a page of 50 at a time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload
from wtforms import Form, SelectChoice
from wtforms.validators import ValidationError

from survey_app.extensions import db
from survey_app.messaging.schedule import LOCAL_TIME
from survey_app.models import AuditEvent, StaffRole, User
from survey_app.staff import blueprint
from survey_app.staff.access import allow
from survey_app.staff.audit_words import ACTION_NAMES, in_words
from survey_app.staff.meeting_forms import ListChoiceField, OptionalDateField
from survey_app.staff.navigation import add_menu_entry

PAGE_SIZE = 50
#: The person filter's value for events no staff member did (the service, the command line).
NOBODY = "none"

add_menu_entry("staff.audit_log", _l("Händelselogg"), _l("Vem gjorde vad, och när."), 90)


class AuditSearchForm(Form):
    """The log's filters (GET: it changes nothing, so it needs no CSRF token)."""

    person = ListChoiceField(_l("Vem"), default="", invalid=_l("Välj en person i listan."))
    action = ListChoiceField(_l("Vad"), default="", invalid=_l("Välj en händelse i listan."))
    since = OptionalDateField(_l("Från och med dag"))
    until = OptionalDateField(_l("Till och med dag"))

    def __init__(self, formdata: Any, people: list[tuple[int, str]]) -> None:
        super().__init__(formdata)
        self.person.choices = [
            SelectChoice("", _l("Alla")),
            SelectChoice(NOBODY, _l("Ingen inloggad (tjänsten, kommandoraden)")),
            *(SelectChoice(str(key), email) for key, email in people),
        ]
        self.action.choices = [
            SelectChoice("", _l("Alla")),
            *(SelectChoice(action, name) for action, name in ACTION_NAMES.items()),
        ]
        for name in ("person", "action"):
            if self[name].data is None:
                self[name].data = ""

    def validate_until(self, field: OptionalDateField) -> None:
        if self.since.data and field.data and self.since.data > field.data:
            raise ValidationError(str(_l("Slutdagen ligger före startdagen.")))

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.person.data == NOBODY:
            found.append(AuditEvent.actor_id.is_(None))
        elif self.person.data:
            found.append(AuditEvent.actor_id == int(self.person.data))
        if self.action.data:
            found.append(AuditEvent.action == self.action.data)
        if self.since.data:
            found.append(AuditEvent.at >= _start_of(self.since.data))
        if self.until.data:
            found.append(AuditEvent.at < _start_of(self.until.data + timedelta(days=1)))
        return found


def _start_of(day: date) -> datetime:
    """Midnight of a Swedish day, in UTC (as the log stores its times)."""
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_TIME).astimezone(UTC)


@blueprint.get("/audit")
@allow(StaffRole.ADMIN)
def audit_log() -> str:
    people = db.session.execute(select(User.id, User.email).order_by(User.email)).tuples().all()
    form = AuditSearchForm(request.args, list(people))
    if not form.validate():
        return render_template("staff/audit_log.html", form=form, events=None)
    conditions = form.conditions()
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    events = db.session.scalars(
        select(AuditEvent)
        .where(*conditions)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "staff/audit_log.html",
        form=form,
        events=in_words(events),
        page=page,
        pages=pages,
        total=total,
        query={key: value for key, value in request.args.items() if key != "page"},
    )
