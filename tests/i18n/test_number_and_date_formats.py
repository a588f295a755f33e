"""Numbers and dates on family pages are written the way each language writes them."""

from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale

from survey_app.models import utcnow
from survey_app.respond.formats import family_date, family_digits, family_number

from .conftest import ANSWERS

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


@pytest.mark.parametrize(
    ("language", "number", "date"),
    [
        ("sv", "7", "3 mars 2027"),
        ("en", "7", "3 March 2027"),  # British, not "March 3, 2027"
        ("fi", "7", "3. maaliskuuta 2027"),
        ("ar", "7", "3 مارس 2027"),
        ("fa", "۷", "۳ مارس ۲۰۲۷"),
    ],
)
def test_numbers_and_dates_per_language(app, language, number, date):
    with app.test_request_context(), force_locale(language):
        assert family_number(7) == number
        assert family_date(dt.date(2027, 3, 3)) == date


def test_persian_digits_replace_every_latin_digit(app):
    with app.test_request_context(), force_locale("fa"):
        assert family_digits("0123456789 och 1000") == PERSIAN_DIGITS + " och ۱۰۰۰"
    with app.test_request_context(), force_locale("sv"):
        assert family_digits("högst 1000 tecken") == "högst 1000 tecken"


def _main_text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'<nav class="languages".*?</nav>', "", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", main)


@pytest.mark.parametrize("role", ["guardian", "child", "youth"])
def test_persian_question_pages_count_in_persian_digits(client, make_invitation, begin, role):
    invitation = make_invitation(role=role, language="fa")
    page = client.get(begin(client, invitation)).text
    total = {"guardian": "۴", "child": "۷", "youth": "۹"}[role]
    word = "صفحه‌ی" if role == "guardian" else "پرسش"
    assert f"{word} ۱ از {total}" in page
    assert not re.search(r"[0-9]", _main_text(page)), _main_text(page)


def test_persian_error_messages_use_persian_digits(client, make_invitation, begin):
    invitation = make_invitation(role="youth", language="fa")
    location = begin(client, invitation)
    for answers in ANSWERS["youth"][:-1]:
        location = client.post(location, data={"action": "next", **answers}).headers["Location"]
    assert location == "/s/q/9"  # Y8, the free text of at most 500 characters
    page = client.post(location, data={"action": "next", "Y8": "x" * 501}).text
    assert "۵۰۰" in _main_text(page)
    assert not re.search(r"[0-9]", _main_text(page))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", r"\d{1,2} [A-Z][a-z]+ \d{4}"),
        ("fa", f"[{PERSIAN_DIGITS}]+ [^ ]+ [{PERSIAN_DIGITS}]{{4}}"),
    ],
)
def test_the_opening_date_is_written_the_languages_way(
    client, make_invitation, make_campaign, make_meeting, language, expected
):
    now = utcnow()
    campaign = make_campaign(opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=30))
    invitation = make_invitation(language=language, meeting=make_meeting(campaign=campaign))
    client.get(f"/s/{invitation.token}")
    text = _main_text(client.get("/s/").text)
    assert re.search(expected, text), text
    assert language != "fa" or not re.search(r"[0-9]", text)
