"""The privacy notice tells families who is responsible, what is kept, for how long, and why."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from survey_app.i18n import FAMILY_LANGUAGES

from .test_readability import LIX_LIMIT, _as_sentences, _MainText, lix

NOTICE = "/s/integritet"
CHILD_NOTICE = "/s/integritet/barn"
#: "Easy" on the LIX scale (25–35: fiction for everyone); the children's version is under 30.
ADULT_LIX_LIMIT = 35


def _main_text(html: str) -> str:
    parser = _MainText()
    parser.feed(html)
    return _as_sentences(parser.chunks)


@pytest.mark.parametrize("path", [NOTICE, CHILD_NOTICE])
def test_the_notice_is_open_to_everyone_and_never_cached(client, path):
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert 'id="quick-exit"' in page.text
    assert "data-read-aloud" in page.text


def test_the_notice_states_the_facts(app, client):
    app.config.update(
        ACCESSIBILITY_CONTACT="fragor@example.se",
        PRIVACY_CONTACT="dpo@example.se",
        MIN_GROUP_SIZE=6,
    )
    page = client.get(NOTICE).text
    text = _main_text(page)
    for fact in (
        # who is responsible, and whom to ask
        "Region Västerbotten ansvarar för uppgifterna.",
        "personuppgiftsansvarig",
        # the phone number: what for, and until when
        "bara för att skicka länken till enkäten och högst några få påminnelser",
        "Numret tas bort när tiden för att svara är slut.",
        # the answers: voluntary, sealed, unlinked, only in groups, no times
        "Det är frivilligt att svara.",
        "förseglade (krypterade)",
        "ingen koppling till ditt telefonnummer, din länk eller din inbjudan",
        "Personalen ser aldrig vad en enskild person har svarat.",
        "Det som ett barn svarar visas aldrig för föräldrarna.",
        "Namn och nummer i texten döljs.",
        "grupper med minst 6 personer",
        "Inga datum och inga klockslag sparas.",
        # rights
        "Dina svar kan inte tas bort i efterhand. Ingen kan se vilka svar som är dina.",
        "Integritetsskyddsmyndigheten",
    ):
        assert fact in text, fact
    assert 'href="mailto:fragor@example.se"' in page
    assert 'href="mailto:dpo@example.se"' in page
    assert "dataskyddsombud" in text


def test_the_data_protection_officer_comes_from_the_environment(monkeypatch, app_factory):
    monkeypatch.setenv("PRIVACY_CONTACT", "dso@region.example")
    client = app_factory().test_client()
    assert 'href="mailto:dso@region.example"' in client.get(NOTICE).text


def test_the_childrens_notice_speaks_to_a_child(client):
    page = client.get(CHILD_NOTICE).text
    assert '<body class="family child"' in page
    text = _main_text(page)
    assert "Ingen får veta vad du svarade. Inte de vuxna hemma och inte de vuxna på mötet." in text
    assert "Numret tar vi bort när enkäten är slut." in text
    assert "Ingen vet vilka svar som är dina." in text
    assert f'href="{NOTICE}"' in page  # more, for the grown-ups


def test_both_notices_are_easy_to_read(client):
    child = _main_text(client.get(CHILD_NOTICE).text)
    adult = _main_text(client.get(NOTICE).text)
    assert lix(child) <= LIX_LIMIT, f"LIX {lix(child):.1f}: {child}"
    assert lix(adult) <= ADULT_LIX_LIMIT, f"LIX {lix(adult):.1f}: {adult}"


@pytest.mark.parametrize(
    ("role", "notice"), [("guardian", NOTICE), ("youth", NOTICE), ("child", CHILD_NOTICE)]
)
def test_each_start_page_links_its_notice(client, make_invitation, role, notice):
    client.get(f"/s/{make_invitation(role=role).token}")
    assert f'<a href="{notice}">' in client.get("/s/").text


def test_the_accessibility_statement_links_the_notice(client):
    assert f'<a href="{NOTICE}">' in client.get("/tillganglighet").text


@pytest.mark.parametrize("language", list(FAMILY_LANGUAGES))
@pytest.mark.parametrize("path", [NOTICE, CHILD_NOTICE])
def test_the_notice_in_every_family_language(client, language, path):
    client.get(f"{path}?lang={language}")  # the language menu
    page = client.get(path).text
    assert f'<html lang="{language}"' in page
    title = "Så hanterar vi dina uppgifter" if path == NOTICE else "Vad händer med dina svar?"
    with force_locale(language):
        translated = gettext(title)
    assert (translated == title) == (language == "sv")
    assert f"<h1>{escape(translated)}</h1>" in page
