"""Signing in and out, and changing one's own password (at once, when it was a temporary one)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.accounts import oidc
from survey_app.accounts.authentication import (
    authenticate,
    count_failed_login,
    find_user,
    login_lock,
    normalise_email,
)
from survey_app.accounts.passwords import hash_password, password_problem, verify_password
from survey_app.accounts.sessions import (
    begin_pending,
    begin_session,
    end_every_session,
    end_session,
    renew_session,
)
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import User
from survey_app.staff import blueprint
from survey_app.staff.access import ALL_STAFF, allow, current_staff
from survey_app.staff.forms import LoginForm, PasswordChangeForm
from survey_app.staff.sign_in_forms import NewPasswordForm
from survey_app.web.access import public
from survey_app.web.throttle import ThrottleUnavailable

ViewResult = str | WerkzeugResponse | tuple[str, int]


def safe_next(target: str | None) -> str:
    """Only go back to a staff page of this site that can be opened (no open redirect)."""
    if target and target.startswith("/staff/") and not target.startswith("//"):
        try:  # e.g. logging out after the session ended: the POST-only target cannot be opened
            current_app.url_map.bind("").match(urlsplit(target).path, method="GET")
        except HTTPException:
            return url_for("staff.home")
        return target
    return url_for("staff.home")


def login_page(
    form: LoginForm | None = None, notice: str | None = None, status: int = 200
) -> ViewResult:
    """The login form, with a notice (a lock, a refused single sign-on) when there is one."""
    return render_template(
        "staff/login.html",
        form=form or LoginForm(formdata=None),
        lock_message=notice,
        sso_name=current_app.config["OIDC_PROVIDER_NAME"] if oidc.enabled() else None,
        next_page=request.args.get("next"),
    ), status


def throttle_down_page(form: LoginForm | None = None) -> ViewResult:
    current_app.logger.error("throttle store unreachable: staff sign-in refused")
    return login_page(
        form,
        _(
            "Inloggningen fungerar inte just nu på grund av ett tekniskt fel. Försök igen om en "
            "stund, eller kontakta en administratör."
        ),
        503,
    )


def continue_sign_in(
    user: User, *, via: str, next_page: str | None, second_factor_done: bool = False
) -> WerkzeugResponse:
    """After the password (or the identity provider): the second factor, or straight in."""
    if user.second_factor is not None and not second_factor_done:
        begin_pending(user, via=via, next_page=next_page)
        return redirect(url_for("staff.second_factor_code"))
    return finish_sign_in(user, via=via, next_page=next_page, idp_mfa=second_factor_done)


def finish_sign_in(
    user: User, *, via: str, next_page: str | None, idp_mfa: bool = False, **details: object
) -> WerkzeugResponse:
    begin_session(user, idp_mfa=idp_mfa)
    audit.record(user, audit.LOGIN_SUCCEEDED, "user", user.id, via=via, **details)
    db.session.commit()
    return redirect(safe_next(next_page))


@blueprint.route("/login", methods=["GET", "POST"])
@public(reason="the staff login form itself")
def login() -> ViewResult:
    form = LoginForm()
    next_page = request.args.get("next")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(next_page))
    if not form.validate_on_submit():
        return login_page(form)

    email = normalise_email(form.email.data)
    try:
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
            return login_page(form, message, 429)
        user = authenticate(email, form.password.data)
        if user is None:
            count_failed_login(email)
    except ThrottleUnavailable:
        return throttle_down_page(form)
    if user is None:
        known = find_user(email)
        # The typed e-mail is kept only when it names an account: an unknown one may be a
        # password typed into the wrong field.
        audit.record(None, audit.LOGIN_FAILED, "user", known.id if known else None)
        db.session.commit()
        form.password.errors.append(
            _("Fel e-postadress eller lösenord, eller så är kontot avstängt.")
        )
        return login_page(form)
    return continue_sign_in(user, via="password", next_page=next_page)


@blueprint.post("/logout")
@allow(*ALL_STAFF)
def logout() -> WerkzeugResponse:
    user = current_staff()
    # Every session of the account ends, on every device: a copied cookie is worthless now.
    end_every_session(user)
    audit.record(user, audit.LOGGED_OUT, "user", user.id)
    db.session.commit()
    end_session()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("staff.login"))


@blueprint.route("/password", methods=["GET", "POST"])
@allow(*ALL_STAFF)
def change_password() -> ViewResult:
    user = current_staff()
    forced = user.must_change_password
    form: NewPasswordForm | PasswordChangeForm = (
        NewPasswordForm() if forced else PasswordChangeForm()
    )
    if form.validate_on_submit():
        problem = password_problem(form.new_password.data, user.email)
        if isinstance(form, PasswordChangeForm) and not verify_password(
            user.password_hash, form.current_password.data
        ):
            form.current_password.errors.append(_("Det nuvarande lösenordet stämmer inte."))
        elif problem is not None:
            form.new_password.errors.append(problem)
        elif verify_password(user.password_hash, form.new_password.data):
            form.new_password.errors.append(_("Välj ett annat lösenord än det du har nu."))
        else:
            user.password_hash = hash_password(form.new_password.data)
            user.must_change_password = False
            end_every_session(user)  # other devices sign in again with the new password
            audit.record(user, audit.PASSWORD_CHANGED, "user", user.id, forced=forced)
            db.session.commit()
            renew_session(user)
            flash(_("Ditt lösenord är bytt."), "info")
            return redirect(url_for("staff.home"))
    return render_template("staff/password.html", form=form, forced=forced, user=user)
