"""Phone numbers as typed by a coordinator → E.164, or a message that says what is wrong."""

from __future__ import annotations

import re

import phonenumbers
from flask_babel import gettext as _

#: Number types an SMS can reach. Swedish fixed lines are refused; some countries do not
#: distinguish, so "fixed line or mobile" is accepted.
SMS_CAPABLE = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
#: Separators people type inside numbers; anything else that is not a digit is refused.
SEPARATORS = re.compile(r"[\s\-./()]")
ALLOWED = re.compile(r"^\+?[0-9]+$")


class PhoneNumberProblem(ValueError):
    """A number that cannot get an SMS; str() is a message for the person who typed it."""


def normalise_phone(raw: str) -> str:
    """The number in E.164 (+46701740605); Swedish numbers may be typed as 070-174 06 05."""
    compact = SEPARATORS.sub("", raw or "")
    if not compact:
        raise PhoneNumberProblem(_("Skriv ett mobilnummer."))
    if not ALLOWED.match(compact):
        raise PhoneNumberProblem(
            _("Ett telefonnummer får bara innehålla siffror, mellanslag, bindestreck och +.")
        )
    international = compact.startswith(("+", "00"))
    try:
        number = phonenumbers.parse(compact, None if compact.startswith("+") else "SE")
    except phonenumbers.NumberParseException as error:
        raise PhoneNumberProblem(_("Numret kunde inte läsas. Kontrollera siffrorna.")) from error
    if not phonenumbers.is_valid_number(number):
        if international:
            raise PhoneNumberProblem(
                _("Numret är inte ett giltigt nummer i landet som landskoden anger.")
            )
        raise PhoneNumberProblem(
            _(
                "Numret är inte ett giltigt svenskt mobilnummer (t.ex. 070-123 45 67). Ett "
                "utländskt nummer skrivs med + och landskod, t.ex. +358 40 123 4567."
            )
        )
    if phonenumbers.number_type(number) not in SMS_CAPABLE:
        raise PhoneNumberProblem(
            _("Numret är inte ett mobilnummer, så det kan inte ta emot sms. Skriv ett mobilnummer.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked(phone: str | None) -> str:
    """A number shown without its digits, e.g. +46 ••• •• 05 (status pages, never logs)."""
    if not phone:
        return ""
    return f"{phone[:3]} ••• •• {phone[-2:]}"
