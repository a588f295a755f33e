"""The glossary (translations/glossary.yaml) and the catalogs agree: no term drifts."""

from __future__ import annotations

import re

import pytest
import yaml
from babel.messages.catalog import Catalog

from survey_app.i18n import FAMILY_LANGUAGES, TRANSLATIONS_DIRECTORY
from survey_app.i18n.commands import CATALOG_LANGUAGES, TEMPLATE_FILE, po_path, read_catalog

from .checks import glossary_drift

GLOSSARY_FILE = TRANSLATIONS_DIRECTORY / "glossary.yaml"
#: What the issue asked the glossary to hold, at least.
REQUIRED_TERMS = {"sip", "sip-spelled-out", "hlt", "hlt-spelled-out", "anonymous", "dont-know"}


@pytest.fixture(scope="module")
def terms() -> dict[str, dict]:
    loaded: dict[str, dict] = yaml.safe_load(GLOSSARY_FILE.read_text("utf-8"))["terms"]
    return loaded


def test_the_glossary_has_every_term_in_every_family_language(terms):
    assert REQUIRED_TERMS | {"listen"} <= set(terms)
    for name, term in terms.items():
        assert term["note"].strip(), name
        re.compile(term["sv"])
        for language in CATALOG_LANGUAGES:
            forms = term.get(language)
            assert forms, (name, language)
            assert all(str(form).strip() for form in forms), (name, language)
        assert not set(term) - {"sv", "note", "defined_by", "not_in", *FAMILY_LANGUAGES}, name


def test_every_term_is_still_in_the_swedish_texts(terms):
    """A term no source text uses any more checks nothing: it must go from the glossary."""
    sources = [str(m.id) for m in read_catalog(TEMPLATE_FILE) if m.id]
    for name, term in terms.items():
        assert any(re.search(term["sv"], source) for source in sources), name


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_the_catalog_uses_the_glossarys_words(terms, language):
    drift = glossary_drift(read_catalog(po_path(language)), language, terms)
    assert not drift, f"{language}:\n" + "\n".join(drift) + "\nSee translations/glossary.yaml."


def test_a_drifted_word_is_caught(terms):
    catalog = Catalog(locale="ar")
    page = [("survey_app/respond/children.py", 1)]
    scales = [("questionnaires/scales.yaml", 1)]
    catalog.add("Du kan alltid svara Vet inte.", "يمكنك دائمًا أن تجيب «لا أعرف».", page)
    catalog.add("Du är anonym.", "أنت مجهول الهوية.", page)  # the word the review rejected
    catalog.add("Vet inte", "لا رأي لي", scales, context="scale:child3")  # "no opinion"
    catalog.add("Vet inte", "لا أعرف", scales, context="scale:youth4")
    catalog.add("Vet inte", "لا أعرف", scales, context="scale:attended3_dk")
    catalog.add("Lyssnade de vuxna på dig?", "هل استمع إليك الكبار؟", page)  # not the button
    catalog.add("Lyssna", "اقرأ بصوت عالٍ", [("survey_app/templates/respond/_read_aloud.html", 1)])
    catalog.add("Svara anonymt", "", page)  # untranslated: the completeness test reports it
    catalog.add("Anonyma svar", "إجابات", [("survey_app/templates/staff/home.html", 1)])
    catalog.add("Hur var SIP-mötet?", "كيف كان الاجتماع؟", page, context="sms:invite")
    drift = glossary_drift(catalog, "ar", terms)
    assert sorted(problem.split(" ", 2)[:2] for problem in drift) == [
        ["anonymous:", "'Du"],
        ["dont-know:", "'scale:child3|Vet"],  # the option itself is not the glossary's word
        ["dont-know:", "[scale:child3]"],
        ["listen:", "'Lyssna'"],
        ["listen:", "'|Lyssna'"],
    ], "\n".join(drift)
