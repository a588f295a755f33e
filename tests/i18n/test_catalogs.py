"""The catalogs match the code: nothing unextracted, nothing untranslated, placeholders intact."""

from __future__ import annotations

from io import BytesIO

import pytest
from babel.messages.catalog import Catalog

from survey_app.i18n import FAMILY_LANGUAGES, is_family_facing, placeholders
from survey_app.i18n.commands import (
    CATALOG_LANGUAGES,
    TEMPLATE_FILE,
    extract_catalog,
    po_path,
    read_catalog,
)
from survey_app.i18n.extract import extract_questionnaires

from .checks import FIX, describe, key, keys, missing_translations, placeholder_problems


@pytest.fixture(scope="module")
def fresh_template() -> Catalog:
    """The strings in the code right now (what `translations extract` would write)."""
    return extract_catalog()


def test_messages_pot_is_up_to_date_with_the_code(fresh_template):
    committed = keys(read_catalog(TEMPLATE_FILE))
    current = keys(fresh_template)
    new = sorted(f"[{c}] {m!r}" if c else repr(m) for c, m in current - committed)
    gone = sorted(f"[{c}] {m!r}" if c else repr(m) for c, m in committed - current)
    stale = f"translations/messages.pot is stale.\nNot in it yet: {new}\n"
    stale += f"No longer in the code: {gone}\n{FIX}"
    assert not new, stale
    assert not gone, stale


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_family_facing_string_is_translated(fresh_template, language):
    missing = missing_translations(read_catalog(po_path(language)), fresh_template, staff_too=False)
    listing = "\n".join(missing)
    assert not missing, f"{language}: {len(missing)} untranslated:\n{listing}\n{FIX}"


def test_staff_strings_are_complete_in_english(fresh_template):
    missing = missing_translations(read_catalog(po_path("en")), fresh_template, staff_too=True)
    listing = "\n".join(missing)
    assert not missing, f"en: {len(missing)} untranslated:\n{listing}\n{FIX}"


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_placeholders_in_every_translation_match_the_source(language):
    problems = placeholder_problems(read_catalog(po_path(language)))
    assert not problems, f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_questionnaire_texts_of_all_three_questionnaires_are_translated(fresh_template, language):
    catalog = read_catalog(po_path(language))
    contexts = {context for context, _ in keys(fresh_template) if context}
    for prefix in ("sip-guardian:", "sip-child:", "sip-youth:", "scale:"):
        ours = [c for c in contexts if c.startswith(prefix)]
        assert ours, f"no {prefix} strings extracted"
    for message in fresh_template:
        if message.context and message.context.split(":")[0] in {
            "sip-guardian",
            "sip-child",
            "sip-youth",
            "scale",
        }:
            found = catalog.get(message.id, context=message.context)
            assert found is not None, describe(message)
            assert found.string, describe(message)


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
@pytest.mark.parametrize(
    ("sentence", "scale"),
    [("Du kan alltid svara Vet inte.", "child3"), ("Du kan alltid välja Vet inte.", "youth4")],
)
def test_dont_know_is_named_as_the_option_is_labelled(language, sentence, scale):
    """The intro promises an option by name: the translation must use that option's label."""
    catalog = read_catalog(po_path(language))
    option = catalog.get("Vet inte", context=f"scale:{scale}")
    promise = catalog.get(sentence)
    if promise is None:  # the intro sentence is gone from the pages; nothing to keep in step
        assert sentence not in {m for _, m in keys(catalog)}
        return
    assert option is not None
    assert isinstance(option.string, str)
    assert isinstance(promise.string, str)
    assert option.string in promise.string, f"{language}: {promise.string!r} vs {option.string!r}"


def test_the_source_language_has_no_catalog_of_its_own():
    """Swedish is the msgid itself; an sv catalog could only drift from the source."""
    assert "sv" in FAMILY_LANGUAGES
    assert "sv" not in CATALOG_LANGUAGES


@pytest.mark.parametrize(
    ("location", "family"),
    [
        ("survey_app/templates/respond/start.html", True),
        ("questionnaires/sip-child.yaml", True),
        ("survey_app/messaging/texts.py", True),
        ("survey_app/templates/staff/home.html", False),
        ("survey_app/staff/login.py", False),
        ("survey_app/cli.py", False),
        ("survey_app/reporting_commands.py", False),
    ],
)
def test_family_facing_is_defined_by_where_a_string_is_used(location, family):
    assert is_family_facing([location]) is family
    assert is_family_facing([location, "survey_app/templates/base_family.html"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sida %(position)s av %(total)s", {"%(position)", "%(total)"}),
        ("högst %(max)d tecken", {"%(max)"}),
        ("%(id)s  %(state)-8s", {"%(id)", "%(state)"}),
        ("Hej {name}!", {"{name}"}),
        ("{{ not a placeholder }} and 100%%", set()),
        ("Ingen platshållare.", set()),
    ],
)
def test_placeholders_are_recognised(text, expected):
    assert placeholders(text) == expected


def test_placeholder_check_catches_a_renamed_or_dropped_placeholder():
    catalog = Catalog(locale="fi")
    catalog.add("Du kan svara från och med %(date)s.", "Voit vastata %(päivä)s alkaen.")
    catalog.add("Sida %(position)s av %(total)s", "Sivu %(position)s")
    catalog.add("Tack!", "Kiitos!")
    problems = placeholder_problems(catalog)
    assert len(problems) == 2
    assert "%(päivä)" in problems[0]
    assert "%(position)" in problems[1]


QUESTIONNAIRE = b"""\
format: 1
key: sip-test
version: 1
role: child
title: "Testenk\xc3\xa4t"
items:
  - key: T0
    text: "F\xc3\xb6rsta fr\xc3\xa5gan?"
    scale: attended3
  - key: T1
    type: text
    text: "Skriv n\xc3\xa5got"
    hint: "Skriv inga namn."
"""


def test_the_yaml_extractor_yields_item_texts_hints_and_titles_with_contexts():
    found = list(extract_questionnaires(BytesIO(QUESTIONNAIRE), ["pgettext"], [], {}))
    assert [(line, func, message) for line, func, message, _ in found] == [
        (5, "pgettext", ("sip-test:title", "Testenkät")),
        (8, "pgettext", ("sip-test:T0", "Första frågan?")),
        (12, "pgettext", ("sip-test:T1", "Skriv något")),
        (13, "pgettext", ("sip-test:T1:hint", "Skriv inga namn.")),
    ]
    assert all("Children" in " ".join(comments) for *_, comments in found)


def test_the_yaml_extractor_yields_scale_labels_and_dont_know():
    scales = b'format: 1\nscales:\n  s3:\n    options:\n      - {value: 1, label: "Ja"}\n'
    scales += b'    no_answer: "Vet inte"\n'
    found = [message for _, _, message, _ in extract_questionnaires(BytesIO(scales), [], [], {})]
    assert found == [("scale:s3", "Ja"), ("scale:s3", "Vet inte")]


def test_babel_cfg_sends_every_questionnaire_item_through_the_extractor(fresh_template, app):
    from survey_app.questionnaires import all_questionnaires

    extracted = keys(fresh_template)
    for questionnaire in all_questionnaires().values():
        assert (f"{questionnaire.key}:title", questionnaire.title) in extracted
        for item in questionnaire.items:
            assert (f"{questionnaire.key}:{item.key}", item.text) in extracted
    assert all(key(m)[1] for m in fresh_template if m.id)
