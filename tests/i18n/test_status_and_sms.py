"""Translation status for admins, SMS texts per language, and the demo's links per language."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
import yaml

from survey_app.accounts import totp
from survey_app.accounts.passwords import hash_password
from survey_app.extensions import db
from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.i18n.commands import po_path, read_catalog
from survey_app.i18n.status import STATUS_FILE, review_items, translation_status
from survey_app.messaging.segments import GSM7, UCS2
from survey_app.messaging.texts import check_templates, compose, survey_link
from survey_app.models import MessageKind, StaffRole, Team, User
from tests.staff.signin import enrol_second_factor, log_in

LANGUAGES = list(FAMILY_LANGUAGES)
GSM7_LANGUAGES = {"sv", "en", "so", "fi"}
LONGEST_MUNICIPALITY = "Robertsfors"
PASSWORD = "ett långt lösenord för test"
#: The realistic production address: every language must fit its segments with it.
SAFE_BASE_URL = "https://sipenkat.regionvasterbotten.se"


def _recorded() -> dict:
    return yaml.safe_load(STATUS_FILE.read_text("utf-8"))["languages"]


def test_status_covers_every_family_language_and_claims_no_review_it_lacks():
    recorded = _recorded()
    assert set(recorded) == set(FAMILY_LANGUAGES)
    for code, entry in recorded.items():
        reviewed = entry["reviewed_by_qualified_translator"]
        assert reviewed in (True, False), code
        if reviewed:
            assert entry["reviewer"], f"{code}: reviewed, but by whom?"
            assert entry["reviewed_on"], f"{code}: reviewed, but when?"
        assert entry["produced_by"], code


def test_translation_status_counts_coverage_from_the_catalogs():
    statuses = {status.code: status for status in translation_status()}
    assert list(statuses) == LANGUAGES
    assert statuses["sv"].family is None  # the source language has no catalog
    for code in LANGUAGES[1:]:
        family = statuses[code].family
        assert family is not None, code
        assert family.complete, code
        assert family.total > 100
    staff = statuses["en"].staff
    assert staff is not None
    assert staff.complete
    assert not statuses["ar"].reviewed


#: Reviews judged these drafts too uncertain to use widely before a qualified translator has
#: checked them (the scale labels and the children's questions above all).
NEEDS_QUALIFIED_REVIEW = {"so", "ti"}


def test_somali_and_tigrinya_are_marked_as_needing_a_qualified_review():
    recorded = _recorded()
    statuses = {status.code: status for status in translation_status()}
    for code, entry in recorded.items():
        flagged = entry.get("needs_qualified_review") is True
        if code in NEEDS_QUALIFIED_REVIEW and not entry["reviewed_by_qualified_translator"]:
            assert flagged, code
            assert statuses[code].needs_review
        if flagged:
            assert not entry["reviewed_by_qualified_translator"], f"{code}: reviewed, yet flagged?"
            assert entry["review_first"], f"{code}: flagged, but what should be reviewed first?"
    for code in NEEDS_QUALIFIED_REVIEW:
        items = statuses[code].review_first
        contexts = {item.context.split(":")[0] for item in items if item.context}
        assert {"scale", "sip-child"} <= contexts, code
        assert any(item.source == "Lyssna" for item in items), code
        assert all(item.translation for item in items), code


def test_every_review_pattern_names_strings_that_exist():
    recorded = _recorded()
    for code, entry in recorded.items():
        for pattern in entry.get("review_first") or []:
            assert review_items(read_catalog(po_path(code)), [pattern]), (code, pattern)


def _staff_client(app, role):
    """A client logged in as a new staff member of `role` (through the real login form)."""
    user = User(
        email=f"{role}@example.se",
        password_hash=hash_password(PASSWORD),
        role=StaffRole(role),
        active=True,
        teams=[db.session.scalar(sa.select(Team).where(Team.name == "HLT Åsele"))],
    )
    db.session.add(user)
    db.session.commit()
    if totp.required_for(user):
        enrol_second_factor(user)
    client = app.test_client()
    login = log_in(client, user.email, PASSWORD)  # the code from the app too
    assert login.status_code == 302
    return client


def test_admins_see_the_translation_status_page(app):
    page = _staff_client(app, "admin").get("/staff/translations")
    assert page.status_code == 200
    for language in FAMILY_LANGUAGES.values():
        assert language.native_name in page.text
    assert page.text.count("Nej, utkast") == len(FAMILY_LANGUAGES)


def test_the_status_page_lists_what_to_review_first(app):
    page = _staff_client(app, "admin").get("/staff/translations").text
    assert page.count("Behöver granskas av en auktoriserad översättare") == 2
    for code in NEEDS_QUALIFIED_REVIEW:
        assert f'<h2 id="review-{code}">' in page
        assert f'href="#review-{code}"' in page
    # The strings themselves, Swedish beside the current translation.
    somali = page[page.index('<h2 id="review-so">') :]
    assert "<td><code>scale:child3</code></td>" in somali
    assert '<td lang="sv">Visste du varför ni hade mötet?</td>' in somali
    assert '<td lang="so" dir="auto">Dhageyso</td>' in somali
    assert 'id="review-ar"' not in page


@pytest.mark.parametrize("role", ["coordinator", "analyst"])
def test_other_staff_may_not_see_it(app, role):
    assert _staff_client(app, role).get("/staff/translations").status_code == 403


@pytest.mark.parametrize("handover", [False, True])
@pytest.mark.parametrize("kind", list(MessageKind))
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_sms_fits_its_segments_and_is_in_its_language(app, language, kind, handover):
    link = survey_link(SAFE_BASE_URL, "x" * 22)
    with app.test_request_context():
        text = compose(
            kind,
            language=language,
            link=link,
            municipality=LONGEST_MUNICIPALITY,
            handover=handover,
        )
        swedish = compose(
            kind, language="sv", link=link, municipality=LONGEST_MUNICIPALITY, handover=handover
        )
    assert link in text.body
    assert LONGEST_MUNICIPALITY in text.body
    if language in GSM7_LANGUAGES:
        # Finnish and Somali keep to the GSM-7 alphabet (ä, ö, å are in it): one segment.
        assert (text.count.encoding, text.count.segments) == (GSM7, 1), text
    else:
        # Arabic, Persian and Tigrinya need UCS-2 (70 units a segment): two at most.
        assert text.count.encoding == UCS2
        assert text.count.segments <= 2, text
    if language != "sv":
        assert text.body != swedish.body, f"{language}: the SMS is not translated"


def _longest_safe_base_url(language: str) -> int:
    """The longest SURVEY_BASE_URL with which every SMS text of the language fits."""
    lengths = range(16, 90)
    fits = [n for n in lengths if not check_templates("https://" + "a" * (n - 8), (language,))]
    return max(fits)


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_file_states_each_languages_sms_limits_truthfully(app, language):
    recorded = _recorded()[language]["sms"]
    with app.test_request_context():
        assert _longest_safe_base_url(language) == recorded["max_base_url_length"]
        body = compose(
            MessageKind.INVITE,
            language=language,
            link=survey_link(SAFE_BASE_URL, "x" * 22),
            municipality=LONGEST_MUNICIPALITY,
        )
    assert recorded["encoding"] == body.count.encoding
    assert recorded["segments"] == body.count.segments
    assert len(SAFE_BASE_URL) <= recorded["max_base_url_length"]


def test_the_demo_offers_one_guardian_invitation_per_language(runner):
    result = runner.invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    links = json.loads(result.output)["links"]
    guardian_languages = sorted(link["language"] for link in links if link["role"] == "guardian")
    assert sorted(set(guardian_languages)) == sorted(LANGUAGES)
