"""The audit log (admin): every recorded staff action, newest first, a page at a time."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from survey_app.extensions import db
from survey_app.models import AuditEvent, StaffRole
from survey_app.staff import blueprint
from survey_app.staff.access import allow
from survey_app.staff.navigation import add_menu_entry

PAGE_SIZE = 50

add_menu_entry("staff.audit_log", _l("Händelselogg"), _l("Vem gjorde vad, och när."), 90)


@blueprint.get("/audit")
@allow(StaffRole.ADMIN)
def audit_log() -> str:
    total = db.session.scalar(select(func.count(AuditEvent.id))) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    events = db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "staff/audit_log.html", events=events, page=page, pages=pages, total=total
    )
