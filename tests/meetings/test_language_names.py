"""Staff see every family language named in their own language beside its native name."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from survey_app.i18n import FAMILY_LANGUAGES

from .test_staff_pages import ÅSELE

#: What a coordinator reads in the language menus, in menu order (isolates written out).
EXPECTED = {
    "sv": [
        "Svenska",
        "Engelska – \u2068English\u2069",
        "Arabiska – \u2068العربية\u2069",
        "Persiska/dari – \u2068فارسی\u2069",
        "Somaliska – \u2068Soomaali\u2069",
        "Tigrinja – \u2068ትግርኛ\u2069",
        "Finska – \u2068Suomi\u2069",
    ],
    "en": [
        "Swedish – \u2068Svenska\u2069",
        "English",
        "Arabic – \u2068العربية\u2069",
        "Persian/Dari – \u2068فارسی\u2069",
        "Somali – \u2068Soomaali\u2069",
        "Tigrinya – \u2068ትግርኛ\u2069",
        "Finnish – \u2068Suomi\u2069",
    ],
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_meeting_form_names_languages_for_staff(
    staff_client: Callable[..., FlaskClient], make_campaign: Callable, language: str
) -> None:
    make_campaign()
    client = staff_client("coordinator", teams=(ÅSELE,))
    client.user.language = language  # type: ignore[attr-defined]
    from survey_app.extensions import db

    db.session.commit()
    page = client.get("/staff/meetings/new").get_data(as_text=True)
    menu = page.split('id="child_language"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r"<option[^>]*>([^<]*)</option>", menu) == EXPECTED[language]


def test_every_family_language_has_a_name_for_staff() -> None:
    """A language added to the families' menu without a CLDR name would show its bare code."""
    from survey_app.i18n import language_name

    for staff_language in ("sv", "en"):
        for code in FAMILY_LANGUAGES:
            assert language_name(code, staff_language) != code


def test_the_meeting_page_and_translations_page_name_languages_too(
    staff_client: Callable[..., FlaskClient], make_invitation: Callable
) -> None:
    invitation = make_invitation(language="ti")
    admin = staff_client("admin")
    detail = admin.get(f"/staff/meetings/{invitation.meeting.id}").get_data(as_text=True)
    assert "<td>Tigrinja – \u2068ትግርኛ\u2069</td>" in detail
    statuses = admin.get("/staff/translations").get_data(as_text=True)
    assert 'Tigrinja – <span lang="ti" dir="auto">ትግርኛ</span>' in statuses
    assert '<th scope="row"><span lang="sv" dir="auto">Svenska</span>' in statuses
