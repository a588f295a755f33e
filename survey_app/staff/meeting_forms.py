"""The form for registering a SIP meeting: one page, sensible defaults, nothing typed lost."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    Form,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TelField,
)
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.domain.meetings import Child, Guardian, MeetingDetails
from survey_app.i18n import FAMILY_LANGUAGES, language_label
from survey_app.messaging.schedule import LOCAL_TIME
from survey_app.models import AgeBand, ChildAttended, Service
from survey_app.staff.forms import StaffForm
from survey_app.staff.meeting_list import MeetingFilter, MeetingSearch

AGE_BANDS = [
    SelectChoice(AgeBand.UNDER_6.value, _l("0–5 år (barnet får ingen egen enkät)")),
    SelectChoice(AgeBand.CHILD.value, _l("6–11 år")),
    SelectChoice(AgeBand.YOUTH.value, _l("12–18 år")),
]
ATTENDED = [
    SelectChoice(ChildAttended.YES.value, _l("Ja")),
    SelectChoice(ChildAttended.PARTLY.value, _l("En del av mötet")),
    SelectChoice(ChildAttended.NO.value, _l("Nej")),
]
SERVICES = [
    SelectChoice(Service.SOCIAL_SERVICES.value, _l("Socialtjänst")),
    SelectChoice(Service.PRIMARY_CARE.value, _l("Primärvård")),
    SelectChoice(Service.SCHOOL_HEALTH.value, _l("Skola och elevhälsa")),
    SelectChoice(Service.CHILD_PSYCHIATRY.value, _l("Barn- och ungdomspsykiatri")),
    SelectChoice(Service.HABILITATION.value, _l("Habilitering")),
    SelectChoice(Service.OTHER.value, _l("Annan verksamhet")),
]
HANDOVER = [
    SelectChoice("", _l("Nej, barnet har eget nummer (eller får ingen länk)")),
    SelectChoice("1", _l("Ja, till vårdnadshavare 1")),
    SelectChoice("2", _l("Ja, till vårdnadshavare 2")),
]
PHONE_HINT = _l("Mobilnummer, t.ex. 070-123 45 67. Utländskt nummer med +landskod.")


def language_choices() -> list[SelectChoice]:
    """Family languages named in the staff member's language and in their own."""
    return [SelectChoice(code, language_label(code)) for code in FAMILY_LANGUAGES]


def local_today() -> date:
    return datetime.now(LOCAL_TIME).date()


class MeetingDateField(DateField):
    """A date input whose unreadable value gets a message in our words."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Skriv datumet som 2026-11-23."))) from error


class TeamField(SelectField):
    """The coordinator's teams; another team's id gets our message, not WTForms' English."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in {choice.value for choice in self.choices or ()}:
            raise ValidationError(str(_l("Välj ett av dina team.")))


class HandoverField(RadioField):
    """Whose phone gets the child's link; a value not offered gets our message."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in {choice.value for choice in self.choices or ()}:
            raise ValidationError(str(_l("Välj ett av alternativen.")))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(StaffForm):
    team_id = TeamField(
        _l("Team"), coerce=int, validators=[InputRequired(_l("Välj ett av dina team."))]
    )
    held_on = MeetingDateField(
        _l("Datum för SIP-mötet"),
        default=local_today,
        validators=[InputRequired(_l("Ange mötesdatumet."))],
    )
    age_band = RadioField(
        _l("Barnets ålder"),
        choices=AGE_BANDS,
        validators=[InputRequired(_l("Välj barnets ålder."))],
    )
    child_attended = RadioField(
        _l("Var barnet med på mötet?"),
        choices=ATTENDED,
        validators=[InputRequired(_l("Svara om barnet var med på mötet."))],
    )
    services = CheckboxesField(_l("Verksamheter som var med"), choices=SERVICES)
    guardian_1_phone = TelField(
        _l("Vårdnadshavare 1: mobilnummer"),
        description=PHONE_HINT,
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    guardian_1_language = SelectField(_l("Vårdnadshavare 1: språk"), default="sv")
    guardian_2_phone = TelField(
        _l("Vårdnadshavare 2: mobilnummer (om det finns)"),
        description=PHONE_HINT,
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    guardian_2_language = SelectField(_l("Vårdnadshavare 2: språk"), default="sv")
    child_phone = TelField(
        _l("Barnets eget mobilnummer (6–18 år, om barnet har ett)"),
        description=PHONE_HINT,
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    child_handover = HandoverField(
        _l("Har barnet ingen egen telefon? Skicka barnets länk till en vårdnadshavare"),
        choices=HANDOVER,
        default="",
    )
    child_language = SelectField(_l("Barnets språk"), default="sv")

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team_id.choices = [SelectChoice(team_id, name) for team_id, name in teams]
        if len(teams) == 1 and not self.team_id.data:
            self.team_id.data = teams[0][0]
        for name in ("guardian_1_language", "guardian_2_language", "child_language"):
            self[name].choices = language_choices()

    def details(self) -> MeetingDetails:
        """The typed values for the domain (which checks numbers and combinations)."""
        return MeetingDetails(
            team_id=self.team_id.data,
            held_on=self.held_on.data,
            age_band=AgeBand(self.age_band.data),
            child_attended=ChildAttended(self.child_attended.data),
            services=tuple(Service(value) for value in self.services.data or ()),
            guardians=(
                Guardian(self.guardian_1_phone.data or "", self.guardian_1_language.data),
                Guardian(self.guardian_2_phone.data or "", self.guardian_2_language.data),
            ),
            child=Child(
                phone=self.child_phone.data or "",
                language=self.child_language.data,
                handover_to=int(self.child_handover.data) if self.child_handover.data else None,
            ),
        )


SEARCH_STATUSES = [
    SelectChoice("", _l("Alla")),
    SelectChoice(MeetingFilter.WAITING.value, _l("Något sms väntar på att skickas")),
    SelectChoice(MeetingFilter.FAILED.value, _l("Något sms kunde inte skickas")),
    SelectChoice(MeetingFilter.STOPPED.value, _l("Något sms stoppades")),
    SelectChoice(MeetingFilter.SENT.value, _l("Något sms är skickat men inte bekräftat framme")),
    SelectChoice(MeetingFilter.DELIVERED.value, _l("Alla sms har kommit fram")),
    SelectChoice(MeetingFilter.OPTED_OUT.value, _l("Någon vill inte ha fler sms")),
]
NEWEST_FIRST = "newest"
SORT_ORDERS = [
    SelectChoice(NEWEST_FIRST, _l("Senaste mötet först")),
    SelectChoice("oldest", _l("Tidigaste mötet först")),
]
DATE_EXAMPLE = _l("Skriv datumet som 2026-11-23.")


class ListChoiceField(SelectField):
    """A select whose value must be one of its choices, else our message (never WTForms')."""

    def __init__(self, *args: Any, invalid: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def pre_validate(self, form: Any) -> None:
        if self.data not in {choice.value for choice in self.choices or ()}:
            raise ValidationError(str(self.invalid))


class OptionalDateField(DateField):
    """A date that may be left empty; an unreadable one gets a message in our words."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(DATE_EXAMPLE)) from error


class MeetingSearchForm(Form):
    """The meeting list's search (GET: it changes nothing, so it needs no CSRF token)."""

    period = ListChoiceField(
        _l("Insamlingsperiod"), invalid=_l("Välj en insamlingsperiod i listan.")
    )
    team = ListChoiceField(_l("Team"), invalid=_l("Välj ett av dina team."))
    status = ListChoiceField(
        _l("Utskick"), choices=SEARCH_STATUSES, default="", invalid=_l("Välj ett läge i listan.")
    )
    held_from = OptionalDateField(_l("Mötesdatum från och med"))
    held_to = OptionalDateField(_l("Mötesdatum till och med"))
    sort = ListChoiceField(
        _l("Ordning"),
        choices=SORT_ORDERS,
        default=NEWEST_FIRST,
        invalid=_l("Välj en ordning i listan."),
    )

    def __init__(
        self,
        formdata: Any,
        *,
        periods: list[tuple[int, str]],
        teams: list[tuple[int, str]],
        default_period: int | None,
    ) -> None:
        super().__init__(formdata)
        self.period.choices = [
            SelectChoice("", _l("Alla perioder")),
            *(SelectChoice(str(key), name) for key, name in periods),
        ]
        if "period" not in formdata:
            self.period.data = "" if default_period is None else str(default_period)
        self.team.choices = [
            SelectChoice("", _l("Alla dina team")),
            *(SelectChoice(str(key), name) for key, name in teams),
        ]
        for name in ("team", "status", "sort"):
            if self[name].data is None:
                self[name].data = self[name].default or ""

    def validate_held_to(self, field: OptionalDateField) -> None:
        if self.held_from.data and field.data and self.held_from.data > field.data:
            raise ValidationError(str(_l("Slutdatumet ligger före startdatumet.")))

    def search(self, visible_teams: frozenset[int] | None) -> MeetingSearch:
        """The search the valid form describes."""
        return MeetingSearch(
            visible_teams=visible_teams,
            campaign_id=int(self.period.data) if self.period.data else None,
            team_id=int(self.team.data) if self.team.data else None,
            held_from=self.held_from.data,
            held_to=self.held_to.data,
            status=MeetingFilter(self.status.data) if self.status.data else None,
            newest_first=self.sort.data == NEWEST_FIRST,
        )
