"""Numbers and dates the way each family language writes them.

Babel puts a date's words in the language but keeps Latin digits, and its "en" is American
("March 3, 2026"). Families read British English ("3 March 2026"), and Persian with Persian
digits throughout, as the catalog's own sentences are written: "پرسش ۳ از ۷", never "پرسش 3 از ۷".
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale

from survey_app.respond import blueprint

#: Where a family language's dates and numbers follow a regional variant.
FORMAT_LOCALES = {"en": "en_GB"}
#: Languages whose text is written with digits of their own (Latin digits → those digits).
OWN_DIGITS = {"fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")}


def _language() -> str:
    return str(get_locale() or "sv")


def family_digits(text: object) -> str:
    """`text` with its digits written as the page's language writes them."""
    digits = OWN_DIGITS.get(_language())
    return str(text).translate(digits) if digits else str(text)


def family_number(value: int) -> str:
    language = _language()
    return family_digits(format_decimal(value, locale=FORMAT_LOCALES.get(language, language)))


def family_date(day: dt.date, style: str = "long") -> str:
    language = _language()
    return family_digits(format_date(day, style, locale=FORMAT_LOCALES.get(language, language)))


blueprint.add_app_template_filter(family_number, "family_number")
blueprint.add_app_template_filter(family_digits, "family_digits")
blueprint.add_app_template_filter(family_date, "family_date")
