"""Free text with the details that identify a person masked, before it is stored.

Families are asked to write no names, and some write a phone number, a personal identity
number, an e-mail or a street address anyway ("ring mig på 070-…"). Those are replaced by a
marker an analyst can see ("[telefonnummer]") when the answer is submitted, so they never
reach the database, a backup or an export. Names cannot be found reliably by a program; the
analysts' free-text file keeps its warning to check for them.

Phone numbers are found by phonenumbers' matcher (the library the service already validates
numbers with), personal identity numbers by python-stdnum's Luhn-checked Swedish format (a
12-digit number that is not a valid personnummer is left alone, e.g. an amount).
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum.se import personalid

PHONE = "[telefonnummer]"
PERSONAL_ID = "[personnummer]"
EMAIL = "[e-post]"
ADDRESS = "[adress]"

#: YYMMDD-NNNN, YYYYMMDD-NNNN, with - / + / space / nothing between.
_PERSONAL_ID = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: A Swedish street name (…gatan, …vägen, …gränd, …) followed by a house number.
_ADDRESS = re.compile(
    r"\b[A-ZÅÄÖ]?[\wåäöé-]*(?:gatan|gata|vägen|väg|gränd|stigen|backen|torget|allén|leden|plan"
    r"|stråket|slingan|grand)\s+\d+(?:[A-Za-z]|\s[A-Za-z](?!\w))?\b",
    re.IGNORECASE,
)


def _mask_personal_ids(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        return PERSONAL_ID if personalid.is_valid(match.group(0)) else match.group(0)

    return _PERSONAL_ID.sub(replace, text)


def _mask_phones(text: str) -> str:
    found = list(phonenumbers.PhoneNumberMatcher(text, "SE"))
    for match in reversed(found):  # from the end, so earlier positions stay valid
        text = text[: match.start] + PHONE + text[match.end :]
    return text


def mask_identifying_details(text: str) -> str:
    """The text with phone numbers, personal identity numbers, e-mails and addresses masked."""
    text = _mask_personal_ids(text)
    text = _EMAIL.sub(EMAIL, text)
    text = _mask_phones(text)
    return _ADDRESS.sub(ADDRESS, text)
