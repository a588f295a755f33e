"""A translation with a broken placeholder is caught by the checks and never crashes a page."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from babel.messages.pofile import write_po

from survey_app.i18n import translation_is_safe
from survey_app.i18n.commands import (
    CATALOG_LANGUAGES,
    TRANSLATIONS_DIRECTORY,
    compile_catalogs,
    po_path,
    read_catalog,
)
from survey_app.models import utcnow

from .checks import placeholder_problems

NOT_OPEN = "Du kan svara från och med %(date)s. Spara sms:et och öppna länken då."
PROGRESS = "Sida %(position)s av %(total)s"


@pytest.fixture
def broken_catalogs(tmp_path):
    """A copy of the catalogs whose Finnish has two broken placeholders, compiled."""
    for language in CATALOG_LANGUAGES:
        target = po_path(language, tmp_path)
        target.parent.mkdir(parents=True)
        shutil.copyfile(po_path(language, TRANSLATIONS_DIRECTORY), target)
    finnish = read_catalog(po_path("fi", tmp_path), locale="fi")
    not_open, progress = finnish.get(NOT_OPEN), finnish.get(PROGRESS)
    assert not_open is not None
    assert progress is not None
    not_open.string = "Voit vastata %(päivä)s alkaen."  # a translated name
    progress.string = "Sivu %(position)s / %(total)s (100 %)"  # a bare percent
    with po_path("fi", tmp_path).open("wb") as po_file:
        write_po(po_file, finnish)
    problems = compile_catalogs(tmp_path)
    assert problems["fi"], "Babel's own check should also see the broken placeholder"
    return tmp_path


def test_the_placeholder_check_names_the_broken_entry(broken_catalogs):
    problems = placeholder_problems(read_catalog(po_path("fi", broken_catalogs)))
    assert len(problems) == 1
    assert "%(päivä)" in problems[0]


def test_a_page_with_a_broken_translation_shows_the_source_instead_of_crashing(
    app_factory, broken_catalogs, make_campaign, make_meeting, make_invitation, caplog
):
    app = app_factory(BABEL_TRANSLATION_DIRECTORIES=str(broken_catalogs))
    with app.app_context():
        now = utcnow()
        campaign = make_campaign(opens_at=now + timedelta(days=2), closes_at=now + timedelta(30))
        invitation = make_invitation(language="fi", meeting=make_meeting(campaign=campaign))
        client = app.test_client()
        client.get(f"/s/{invitation.token}")
        page = client.get("/s/")
    assert page.status_code == 200
    assert '<html lang="fi"' in page.text
    assert "Kysely ei ole vielä auki" in page.text  # the rest stays Finnish
    assert "Du kan svara från och med" in page.text  # the broken one falls back to Swedish
    assert "left out" in caplog.text


def test_a_broken_template_string_falls_back_too(
    app_factory, broken_catalogs, make_invitation, begin
):
    app = app_factory(BABEL_TRANSLATION_DIRECTORIES=str(broken_catalogs))
    with app.app_context():
        client = app.test_client()
        page = client.get(begin(client, make_invitation(language="fi")))
    assert page.status_code == 200
    assert "Sida 1 av 4" in page.text
    assert "Seuraava" in page.text


@pytest.mark.parametrize(
    ("source", "translation", "safe"),
    [
        ("Sida %(position)s av %(total)s", "Sivu %(position)s/%(total)s", True),
        ("Sida %(position)s av %(total)s", "Sivu %(sivu)s/%(total)s", False),
        ("Sida %(position)s av %(total)s", "Sivu %(position)s", False),
        ("Klart", "Valmis 100 %", False),  # templates always format: a bare % would raise
        ("Klart 100 %%", "Valmis 100 %%", True),
        ("Hej {name}", "Hei {nimi}", False),
    ],
)
def test_translation_is_safe(source, translation, safe):
    assert translation_is_safe(source, translation) is safe
