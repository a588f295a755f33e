"""Setting a new password through a one-time reset link an admin issued."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.accounts.passwords import password_problem, verify_password
from survey_app.accounts.reset import usable_reset, use_reset
from survey_app.accounts.sessions import end_session
from survey_app.extensions import db
from survey_app.staff import blueprint
from survey_app.staff.sign_in_forms import NewPasswordForm
from survey_app.web.access import public
from survey_app.web.throttle import count_unknown_link, unknown_link_refused

#: The reset being used, once its link was opened (the token leaves the address bar).
RESET_KEY = "staff_reset"

ViewResult = str | WerkzeugResponse | tuple[str, int]


def _link_not_usable() -> tuple[str, int]:
    return render_template(
        "staff/message.html",
        title=_("Länken fungerar inte"),
        message=_(
            "Länken för att välja nytt lösenord har redan använts, har gått ut eller är fel "
            "kopierad. Be en administratör om en ny länk."
        ),
    ), 404


@blueprint.get("/reset/<token>")
@public(reason="a one-time password reset link; the token is the credential")
def open_reset_link(token: str) -> ViewResult:
    """Look the link up and move its token out of the address bar. Never uses the link up."""
    reset = usable_reset(token)
    if reset is None:
        if unknown_link_refused():
            return render_template(
                "staff/message.html",
                title=_("För många försök"),
                message=_("Vänta en stund och öppna sedan länken igen."),
            ), 429
        count_unknown_link()
        return _link_not_usable()
    end_session()  # whoever was signed in on this browser, the new password is someone's own
    session[RESET_KEY] = reset.id
    return redirect(url_for("staff.reset_password"))


@blueprint.route("/reset", methods=["GET", "POST"])
@public(reason="the password form of an opened reset link; the session holds the link")
def reset_password() -> ViewResult:
    reset_id = session.get(RESET_KEY)
    reset = usable_reset(reset_id) if isinstance(reset_id, int) else None
    if reset is None:
        session.pop(RESET_KEY, None)
        return _link_not_usable()
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new_password.data, reset.user.email)
        if problem is not None:
            form.new_password.errors.append(problem)
        elif verify_password(reset.user.password_hash, form.new_password.data):
            form.new_password.errors.append(_("Välj ett annat lösenord än det du hade."))
        elif use_reset(reset, form.new_password.data):
            db.session.commit()
            session.pop(RESET_KEY, None)
            flash(_("Ditt nya lösenord är sparat. Logga in med det."), "info")
            return redirect(url_for("staff.login"))
        else:
            db.session.rollback()
            session.pop(RESET_KEY, None)
            return _link_not_usable()
    return render_template("staff/reset_password.html", form=form, email=reset.user.email)
