"""Staff forms: a base that restores a form kept over a re-login, and the account forms."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from survey_app.accounts.passwords import MAX_LENGTH
from survey_app.staff.session import take_kept_form

#: Deliberately loose: one @, something on both sides, a dot in the domain.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class StaffForm(FlaskForm):
    """A staff form; shown again with what was typed when a session ended mid-form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kept = None if "formdata" in kwargs else take_kept_form()
        if kept is not None:
            kwargs["formdata"] = kept  # shown, not saved: the person checks and saves again
            flash(_("Det du skrev innan du loggades ut finns kvar. Kontrollera och spara."), "info")
        super().__init__(*args, **kwargs)


class LoginForm(StaffForm):
    email = EmailField(
        _l("E-postadress"),
        validators=[
            DataRequired(_l("Skriv din e-postadress.")),
            Length(max=254, message=_l("E-postadressen får ha högst %(max)d tecken.")),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Lösenord"),
        validators=[
            DataRequired(_l("Skriv ditt lösenord.")),
            Length(max=MAX_LENGTH, message=_l("Lösenordet får ha högst %(max)d tecken.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(StaffForm):
    current_password = PasswordField(
        _l("Nuvarande lösenord"),
        validators=[
            DataRequired(_l("Skriv ditt nuvarande lösenord.")),
            Length(max=MAX_LENGTH, message=_l("Lösenordet får ha högst %(max)d tecken.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Nytt lösenord"),
        description=_l("Minst 12 tecken. Gärna några ord i följd som du kommer ihåg."),
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


def email_validators() -> list[Any]:
    return [
        DataRequired(_l("Skriv en e-postadress.")),
        Length(max=254, message=_l("E-postadressen får ha högst %(max)d tecken.")),
        Regexp(EMAIL_PATTERN, message=_l("Det ser inte ut som en e-postadress.")),
    ]
