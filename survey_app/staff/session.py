"""Staff sessions end after inactivity; a form posted into an ended session is kept for later."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

SEEN_KEY = "staff_seen"
KEPT_FORM_KEY = "staff_kept_form"
#: Never carried across a login: secrets and the old form's CSRF token.
NOT_KEPT = ("csrf_token",)
#: Parts of field names never kept: passwords, and families' phone numbers, which must not
#: sit in a cookie (the session is a signed, not an encrypted, cookie).
NOT_KEPT_PARTS = ("password", "phone")
#: The session is a cookie (about 4 kB in all): a larger form is not kept, and the person is told.
KEPT_FORM_MAX_CHARS = 2000


def _kept(name: str) -> bool:
    return name not in NOT_KEPT and not any(part in name for part in NOT_KEPT_PARTS)


def keep_posted_form() -> bool:
    """Keep the posted fields (not secrets) for the same page's next GET; False if too large."""
    fields = [
        (name, value) for name, values in request.form.lists() if _kept(name) for value in values
    ]
    if sum(len(name) + len(value) for name, value in fields) > KEPT_FORM_MAX_CHARS:
        return False
    phones_dropped = any(
        "phone" in name and value.strip()
        for name, values in request.form.lists()
        for value in values
    )
    session[KEPT_FORM_KEY] = {
        "path": request.path,
        "fields": fields,
        "phones_dropped": phones_dropped,
    }
    return True


def end_idle_session() -> WerkzeugResponse | None:
    """Log out a staff member idle for too long; otherwise note that they were seen now."""
    if not current_user.is_authenticated:
        return None
    g.staff_language = current_user.language
    now = time.time()
    seen = session.get(SEEN_KEY)
    idle_seconds = float(current_app.config["STAFF_IDLE_MINUTES"]) * 60
    if isinstance(seen, int | float) and now - seen > idle_seconds:
        kept = request.method == "POST" and keep_posted_form()
        logout_user()
        session.pop(SEEN_KEY, None)
        if kept:
            flash(
                _(
                    "Du loggades ut efter en stund utan aktivitet. Logga in igen, så finns det "
                    "du skrev kvar i formuläret."
                ),
                "info",
            )
        elif request.method == "POST":
            flash(
                _(
                    "Du loggades ut efter en stund utan aktivitet och formuläret kunde inte "
                    "sparas. Logga in igen och fyll i det på nytt."
                ),
                "error",
            )
        else:
            flash(_("Du loggades ut efter en stund utan aktivitet. Logga in igen."), "info")
        target = request.path if request.method == "POST" else request.full_path.rstrip("?")
        return redirect(url_for("staff.login", next=target))
    session[SEEN_KEY] = now
    return None


def take_kept_form() -> MultiDict[str, Any] | None:
    """The fields posted into an ended session, for the same page shown again after login."""
    kept = session.get(KEPT_FORM_KEY)
    if request.method != "GET" or not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    session.pop(KEPT_FORM_KEY)
    if kept.get("phones_dropped"):
        flash(_("Telefonnummer sparas inte medan du är utloggad: skriv in dem igen."), "info")
    return MultiDict([(str(name), str(value)) for name, value in kept.get("fields", [])])
