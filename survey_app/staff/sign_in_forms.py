"""Forms of the sign-in steps: a new password, a one-time code, and confirming with a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from survey_app.accounts.passwords import MAX_LENGTH
from survey_app.staff.forms import StaffForm

NEW_PASSWORD_HINT = _l(
    "Minst 12 tecken, gärna några ord i följd som du kommer ihåg. Siffror och specialtecken "
    "behövs inte; ord som SIP, region eller Västerbotten gör det lättare att gissa."
)


class NewPasswordForm(StaffForm):
    """A new password, twice (first sign-in with a temporary password, or a reset link)."""

    new_password = PasswordField(
        _l("Nytt lösenord"),
        description=NEW_PASSWORD_HINT,
        validators=[DataRequired(_l("Skriv ett nytt lösenord."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Nytt lösenord igen"),
        validators=[
            DataRequired(_l("Skriv det nya lösenordet en gång till.")),
            EqualTo("new_password", _l("De två nya lösenorden är inte likadana.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(StaffForm):
    """A six-digit code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField(
        _l("Kod"),
        validators=[
            DataRequired(_l("Skriv koden.")),
            Length(max=40, message=_l("Koden är för lång. Skriv de sex siffrorna från appen.")),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "off",
            "spellcheck": "false",
        },
    )


class ConfirmWithPasswordForm(StaffForm):
    """Changes to the second factor are confirmed with the password."""

    password = PasswordField(
        _l("Ditt lösenord"),
        validators=[
            DataRequired(_l("Skriv ditt lösenord.")),
            Length(max=MAX_LENGTH, message=_l("Lösenordet får ha högst %(max)d tecken.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
