"""The second factor: the code step of signing in, enrolling an app, recovery codes."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from survey_app.accounts import totp
from survey_app.accounts.authentication import (
    count_failed_login,
    count_failed_second_factor,
    login_lock,
    second_factor_lock,
)
from survey_app.accounts.passwords import verify_password
from survey_app.accounts.sessions import (
    drop_pending,
    end_every_session,
    pending_sign_in,
    renew_session,
)
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import User
from survey_app.staff import blueprint
from survey_app.staff.access import ALL_STAFF, allow, current_staff
from survey_app.staff.login import ViewResult, finish_sign_in, throttle_down_page
from survey_app.staff.sign_in_forms import CodeForm, ConfirmWithPasswordForm
from survey_app.web.access import public
from survey_app.web.throttle import ThrottleUnavailable

#: The seed being enrolled, encrypted like a stored one, until its first code confirms it.
ENROLLING_KEY = "staff_enrolling"


def _locked_message(minutes: int) -> str:
    return _(
        "För många felaktiga koder. Vänta %(minutes)s minuter och logga in igen.", minutes=minutes
    )


@blueprint.route("/login/code", methods=["GET", "POST"])
@public(reason="the second step of signing in; only a sign-in whose password was right uses it")
def second_factor_code() -> ViewResult:
    pending = pending_sign_in()
    if pending is None:
        drop_pending()
        flash(_("Inloggningen tog för lång tid eller avbröts. Logga in igen."), "info")
        return redirect(url_for("staff.login"))
    user = pending.user
    form = CodeForm()
    try:
        lock = second_factor_lock(user)
        if lock is not None:
            return _refuse_locked(user, lock.minutes_left)
        if not form.validate_on_submit():
            return render_template("staff/login_code.html", form=form)
        recovery = totp.looks_like_recovery_code(form.code.data)
        if recovery and totp.use_recovery_code(user, form.code.data):
            drop_pending()
            left = totp.recovery_codes_left(user)
            audit.record(user, audit.RECOVERY_CODE_USED, "user", user.id, left=left)
            signed_in = finish_sign_in(user, via=pending.via, next_page=pending.next_page)
            flash(
                ngettext(
                    "Du loggade in med en reservkod. Du har %(num)s reservkod kvar.",
                    "Du loggade in med en reservkod. Du har %(num)s reservkoder kvar.",
                    left,
                ),
                "info",
            )
            return signed_in
        if not recovery and totp.accept_code(user, form.code.data):
            drop_pending()
            return finish_sign_in(user, via=pending.via, next_page=pending.next_page)
        count_failed_second_factor(user)
        audit.record(None, audit.SECOND_FACTOR_FAILED, "user", user.id)
        db.session.commit()
        lock = second_factor_lock(user)
    except ThrottleUnavailable:
        return throttle_down_page()
    if lock is not None:
        return _refuse_locked(user, lock.minutes_left)
    form.code.data = ""
    form.code.errors.append(
        _(
            "Koden stämmer inte. Skriv de sex siffror som appen visar just nu (varje kod "
            "fungerar en gång), eller en av dina reservkoder."
        )
    )
    return render_template("staff/login_code.html", form=form)


def _refuse_locked(user: User, minutes: int) -> tuple[str, int]:
    drop_pending()
    audit.record(None, audit.SECOND_FACTOR_LOCKED, "user", user.id)
    db.session.commit()
    return render_template(
        "staff/message.html", title=_("För många försök"), message=_locked_message(minutes)
    ), 429


def _enrolling_seed(user: User) -> str:
    """The seed shown on the enrolment page; the same one until it is confirmed."""
    sealed = session.get(ENROLLING_KEY)
    seed = totp.unseal(sealed, user.id) if isinstance(sealed, str) else None
    if seed is None:
        seed = totp.new_seed()
        session[ENROLLING_KEY] = totp.seal(seed, user.id)
    return seed


@blueprint.route("/account/second-factor", methods=["GET", "POST"])
@allow(*ALL_STAFF)
def second_factor() -> ViewResult:
    user = current_staff()
    if user.second_factor is not None:
        return render_template(
            "staff/second_factor.html",
            user=user,
            codes_left=totp.recovery_codes_left(user),
            required=totp.required_for(user),
            confirm=ConfirmWithPasswordForm(formdata=None),
        )
    seed = _enrolling_seed(user)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            lock = second_factor_lock(user)
            step = None if lock is not None else totp.code_matches(seed, form.code.data)
            if lock is not None:
                form.code.errors.append(_locked_message(lock.minutes_left))
            elif step is None:
                count_failed_second_factor(user)
                form.code.errors.append(
                    _(
                        "Koden stämmer inte. Kontrollera att appen visar SIP-uppföljning och "
                        "skriv de sex siffror som visas just nu."
                    )
                )
        except ThrottleUnavailable:
            return throttle_down_page()
        if step is not None:
            codes = totp.enrol(user, seed, step)
            session.pop(ENROLLING_KEY, None)
            end_every_session(user)  # sessions begun without the factor end
            audit.record(user, audit.SECOND_FACTOR_ENROLLED, "user", user.id)
            db.session.commit()
            renew_session(user)
            return render_template("staff/recovery_codes.html", codes=codes, enrolled=True)
    form.code.data = ""
    uri = totp.provisioning_uri(seed, user.email)
    return render_template(
        "staff/second_factor_enrol.html",
        form=form,
        qr_code=totp.qr_code_svg(uri, _("QR-kod för din app")),
        seed=totp.grouped_seed(seed),
        required=totp.required_for(user),
    )


def _password_confirmed(user: User, form: ConfirmWithPasswordForm) -> bool | None:
    """True when the password is right; None when its guesses are locked (or uncountable)."""
    if not form.validate_on_submit():
        return False
    if login_lock(user.email) is not None:
        return None
    if verify_password(user.password_hash, form.password.data):
        return True
    count_failed_login(user.email)
    form.password.errors.append(_("Lösenordet stämmer inte."))
    return False


@blueprint.post("/account/second-factor/recovery-codes")
@allow(*ALL_STAFF)
def renew_recovery_codes() -> ViewResult:
    user = current_staff()
    form = ConfirmWithPasswordForm()
    if user.second_factor is None:
        return redirect(url_for("staff.second_factor"))
    try:
        confirmed = _password_confirmed(user, form)
    except ThrottleUnavailable:
        return throttle_down_page()
    if confirmed:
        codes = totp.new_recovery_codes(user)
        audit.record(user, audit.RECOVERY_CODES_RENEWED, "user", user.id)
        db.session.commit()
        return render_template("staff/recovery_codes.html", codes=codes, enrolled=False)
    return _second_factor_page_with(user, form, confirmed)


@blueprint.post("/account/second-factor/remove")
@allow(*ALL_STAFF)
def remove_second_factor() -> ViewResult:
    user = current_staff()
    form = ConfirmWithPasswordForm()
    if user.second_factor is None:
        return redirect(url_for("staff.second_factor"))
    if totp.required_for(user):
        flash(
            _(
                "Din roll kräver tvåstegsverifiering. Byt app genom att be en administratör "
                "nollställa den."
            ),
            "error",
        )
        return redirect(url_for("staff.second_factor"))
    try:
        confirmed = _password_confirmed(user, form)
    except ThrottleUnavailable:
        return throttle_down_page()
    if confirmed:
        totp.remove(user)
        end_every_session(user)
        audit.record(user, audit.SECOND_FACTOR_REMOVED, "user", user.id, by="self")
        db.session.commit()
        renew_session(user)
        flash(_("Tvåstegsverifieringen är avstängd."), "info")
        return redirect(url_for("staff.second_factor"))
    return _second_factor_page_with(user, form, confirmed)


def _second_factor_page_with(
    user: User, form: ConfirmWithPasswordForm, confirmed: bool | None
) -> tuple[str, int]:
    if confirmed is None:
        form.password.errors.append(
            _("För många felaktiga lösenord. Vänta en stund och försök igen.")
        )
    return render_template(
        "staff/second_factor.html",
        user=user,
        codes_left=totp.recovery_codes_left(user),
        required=totp.required_for(user),
        confirm=form,
    ), 429 if confirmed is None else 200
