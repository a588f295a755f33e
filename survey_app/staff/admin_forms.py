"""Forms of the admin pages: collection windows, accounts and teams."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from survey_app.i18n import STAFF_LANGUAGES
from survey_app.models import StaffRole
from survey_app.staff.forms import StaffForm, email_validators

LOCAL_TIME = ZoneInfo("Europe/Stockholm")
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

ROLE_LABELS = {
    StaffRole.ADMIN: _l("Administratör"),
    StaffRole.COORDINATOR: _l("Samordnare"),
    StaffRole.ANALYST: _l("Analytiker"),
}
LANGUAGE_LABELS = {"sv": "Svenska", "en": "English"}


def to_utc(local: datetime) -> datetime:
    """A wall-clock time in Sweden, as typed into a datetime-local input, as aware UTC."""
    return local.replace(tzinfo=LOCAL_TIME).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """An aware moment as the naive wall-clock time in Sweden (for a datetime-local input)."""
    return moment.astimezone(LOCAL_TIME).replace(tzinfo=None)


class _ExplainedParse:
    """A field whose unreadable input gets our own message, not WTForms' English default."""

    def __init__(self, *args: Any, unreadable: Any, **kwargs: Any) -> None:
        self.unreadable = unreadable
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(str(self.unreadable)) from error


class LocalDateTimeField(_ExplainedParse, DateTimeLocalField):
    """A datetime-local input: Swedish wall-clock time, minutes precision."""


class WholeNumberField(_ExplainedParse, IntegerField):
    """A whole number with a message a person understands when it is not one."""


class CampaignForm(StaffForm):
    name = StringField(
        _l("Namn"),
        description=_l("Till exempel: SIP-uppföljning hösten 2026."),
        validators=[
            DataRequired(_l("Skriv ett namn.")),
            Length(max=120, message=_l("Namnet får ha högst %(max)d tecken.")),
        ],
    )
    opens_at = LocalDateTimeField(
        _l("Öppnar (svensk tid)"),
        format=DATETIME_LOCAL_FORMAT,
        unreadable=_l("Skriv datum och tid som 2026-12-01 08:00."),
        validators=[InputRequired(_l("Ange när perioden öppnar, till exempel 2026-12-01 08:00."))],
    )
    closes_at = LocalDateTimeField(
        _l("Stänger (svensk tid)"),
        format=DATETIME_LOCAL_FORMAT,
        unreadable=_l("Skriv datum och tid som 2027-05-31 23:59."),
        validators=[InputRequired(_l("Ange när perioden stänger, till exempel 2027-05-31 23:59."))],
    )
    reminder_count = WholeNumberField(
        _l("Antal påminnelser"),
        unreadable=_l("Skriv antalet påminnelser som en siffra (0–3)."),
        default=1,
        validators=[
            InputRequired(_l("Ange antal påminnelser (0–3).")),
            NumberRange(0, 3, _l("Antalet påminnelser ska vara mellan 0 och 3.")),
        ],
    )
    reminder_delay_days = WholeNumberField(
        _l("Dagar till påminnelse"),
        unreadable=_l("Skriv antalet dagar som en siffra."),
        default=4,
        validators=[
            InputRequired(_l("Ange hur många dagar det ska gå före en påminnelse.")),
            NumberRange(1, 60, _l("Ange ett antal dagar mellan 1 och 60.")),
        ],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if self.opens_at.data and self.closes_at.data and self.closes_at.data <= self.opens_at.data:
            self.closes_at.errors = [
                *self.closes_at.errors,
                _l("Perioden måste stänga efter att den öppnar. Ändra start eller slut."),
            ]
            valid = False
        return valid


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in StaffRole]


class UserForm(StaffForm):
    email = EmailField(_l("E-postadress"), validators=email_validators())
    role = SelectField(
        _l("Roll"), choices=role_choices, validators=[InputRequired(_l("Välj en roll."))]
    )
    teams = SelectMultipleField(
        _l("Team"),
        coerce=int,
        description=_l("Samordnare ser bara sina egna team. Håll ned Ctrl för att välja flera."),
        validators=[Optional()],
    )
    language = SelectField(
        _l("Språk"), choices=[SelectChoice(code, LANGUAGE_LABELS[code]) for code in STAFF_LANGUAGES]
    )


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Tillfälligt lösenord"),
        description=_l("Minst 12 tecken. Personen byter det själv efter första inloggningen."),
        validators=[DataRequired(_l("Skriv ett tillfälligt lösenord."))],
        render_kw={"autocomplete": "new-password"},
    )


class EditUserForm(UserForm):
    active = BooleanField(_l("Kontot är aktivt"))


class TeamForm(StaffForm):
    name = StringField(
        _l("Teamets namn"),
        validators=[
            DataRequired(_l("Skriv teamets namn.")),
            Length(max=120, message=_l("Namnet får ha högst %(max)d tecken.")),
        ],
    )
    municipality = SelectField(
        _l("Kommun"), coerce=int, validators=[InputRequired(_l("Välj en kommun."))]
    )


class ConfirmForm(StaffForm):
    """A form with only the CSRF token, for buttons that change something."""


class AreaForm(StaffForm):
    name = StringField(
        _l("Områdets namn"),
        validators=[
            DataRequired(_l("Skriv områdets namn.")),
            Length(max=80, message=_l("Namnet får ha högst %(max)d tecken.")),
        ],
    )
    submit = SubmitField(_l("Lägg till område"))


class MunicipalityForm(StaffForm):
    name = StringField(
        _l("Kommunens namn"),
        validators=[
            DataRequired(_l("Skriv kommunens namn.")),
            Length(max=80, message=_l("Namnet får ha högst %(max)d tecken.")),
        ],
    )
    area = SelectField(_l("Område"), coerce=int, validators=[InputRequired(_l("Välj ett område."))])
    submit = SubmitField(_l("Lägg till kommun"))
