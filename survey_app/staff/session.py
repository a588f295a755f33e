"""Staff sessions: idle and absolute time-outs, the steps a new sign-in must take first, and a
form posted into an ended session kept for later."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.accounts import totp
from survey_app.accounts.sessions import IDP_MFA_KEY, SEEN_KEY, end_session, session_expired

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


def check_staff_session() -> WerkzeugResponse | None:
    """End a session that is idle or too old; send a new sign-in through its first steps."""
    return end_idle_session() or outstanding_step()


def end_idle_session() -> WerkzeugResponse | None:
    """Log out a staff member idle for too long or signed in too long ago; else note the visit."""
    if not current_user.is_authenticated:
        return None
    g.staff_language = current_user.language
    now = time.time()
    seen = session.get(SEEN_KEY)
    idle_seconds = float(current_app.config["STAFF_IDLE_MINUTES"]) * 60
    idle = isinstance(seen, int | float) and now - seen > idle_seconds
    if idle or session_expired():
        kept = request.method == "POST" and keep_posted_form()
        end_session()
        if kept:
            flash(
                _(
                    "Du loggades ut efter en stund utan aktivitet. Logga in igen, så finns det "
                    "du skrev kvar i formuläret."
                )
                if idle
                else _(
                    "Du loggades ut eftersom du varit inloggad länge. Logga in igen, så finns det "
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
        elif idle:
            flash(_("Du loggades ut efter en stund utan aktivitet. Logga in igen."), "info")
        else:
            flash(
                _(
                    "Du loggades ut eftersom du varit inloggad i %(hours)s timmar. Logga in igen.",
                    hours=current_app.config["STAFF_SESSION_HOURS"],
                ),
                "info",
            )
        target = request.path if request.method == "POST" else request.full_path.rstrip("?")
        return redirect(url_for("staff.login", next=target))
    session[SEEN_KEY] = now
    return None


#: Endpoints open while a first step is outstanding (and logging out always is).
_STEP_ENDPOINTS = {
    "password": ("staff.change_password", "staff.logout"),
    "second_factor": ("staff.second_factor", "staff.logout"),
}


def outstanding_step() -> WerkzeugResponse | None:
    """A temporary password is replaced, then an admin's or analyst's app enrolled, first."""
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        step = "password"
    elif (
        totp.required_for(current_user)
        and current_user.second_factor is None
        and not session.get(IDP_MFA_KEY)
    ):
        step = "second_factor"
    else:
        return None
    if request.endpoint in _STEP_ENDPOINTS[step]:
        return None
    return redirect(url_for(_STEP_ENDPOINTS[step][0]))


def take_kept_form() -> MultiDict[str, Any] | None:
    """The fields posted into an ended session, for the same page shown again after login."""
    kept = session.get(KEPT_FORM_KEY)
    if request.method != "GET" or not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    session.pop(KEPT_FORM_KEY)
    if kept.get("phones_dropped"):
        flash(_("Telefonnummer sparas inte medan du är utloggad: skriv in dem igen."), "info")
    return MultiDict([(str(name), str(value)) for name, value in kept.get("fields", [])])
