"""Logging in and out, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.accounts.authentication import (
    authenticate,
    count_failed_login,
    find_user,
    login_lock,
    normalise_email,
)
from survey_app.accounts.passwords import hash_password, password_problem, verify_password
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.staff import blueprint
from survey_app.staff.access import ALL_STAFF, allow, current_staff
from survey_app.staff.forms import LoginForm, PasswordChangeForm
from survey_app.staff.session import KEPT_FORM_KEY
from survey_app.web.access import public

ViewResult = str | WerkzeugResponse | tuple[str, int]


def _safe_next(target: str | None) -> str:
    """Only go back to a staff page of this site that can be opened (no open redirect)."""
    if target and target.startswith("/staff/") and not target.startswith("//"):
        try:  # e.g. logging out after the session ended: the POST-only target cannot be opened
            current_app.url_map.bind("").match(urlsplit(target).path, method="GET")
        except HTTPException:
            return url_for("staff.home")
        return target
    return url_for("staff.home")


@blueprint.route("/login", methods=["GET", "POST"])
@public(reason="the staff login form itself")
def login() -> ViewResult:
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    if not form.validate_on_submit():
        return render_template("staff/login.html", form=form)

    email = normalise_email(form.email.data)
    lock = login_lock(email)
    if lock is not None:
        known = find_user(email)
        audit.record(None, audit.LOGIN_LOCKED, "user", known.id if known else None)
        db.session.commit()
        form.password.data = ""
        message = _(
            "För många misslyckade inloggningar. Vänta %(minutes)s minuter och försök igen.",
            minutes=lock.minutes_left,
        )
        return render_template("staff/login.html", form=form, lock_message=message), 429

    user = authenticate(email, form.password.data)
    if user is None:
        count_failed_login(email)
        known = find_user(email)
        # The typed e-mail is kept only when it names an account: an unknown one may be a
        # password typed into the wrong field.
        audit.record(None, audit.LOGIN_FAILED, "user", known.id if known else None)
        db.session.commit()
        form.password.errors.append(
            _("Fel e-postadress eller lösenord, eller så är kontot avstängt.")
        )
        return render_template("staff/login.html", form=form), 200

    kept_form = session.get(KEPT_FORM_KEY)
    session.clear()  # nothing from before the login (a family link, an old session) remains
    if kept_form is not None:
        session[KEPT_FORM_KEY] = kept_form
    login_user(user)
    audit.record(user, audit.LOGIN_SUCCEEDED, "user", user.id)
    db.session.commit()
    return redirect(_safe_next(request.args.get("next")))


@blueprint.post("/logout")
@allow(*ALL_STAFF)
def logout() -> WerkzeugResponse:
    audit.record(current_staff(), audit.LOGGED_OUT, "user", current_staff().id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("staff.login"))


@blueprint.route("/password", methods=["GET", "POST"])
@allow(*ALL_STAFF)
def change_password() -> ViewResult:
    user = current_staff()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        problem = password_problem(form.new_password.data, user.email)
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Det nuvarande lösenordet stämmer inte."))
        elif problem is not None:
            form.new_password.errors.append(problem)
        else:
            user.password_hash = hash_password(form.new_password.data)
            audit.record(user, audit.PASSWORD_CHANGED, "user", user.id)
            db.session.commit()
            login_user(user)  # the session id carries the password stamp: renew it
            flash(_("Ditt lösenord är bytt."), "info")
            return redirect(url_for("staff.home"))
    return render_template("staff/password.html", form=form)
