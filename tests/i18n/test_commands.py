"""`flask translations extract|update|compile`, run against a copy of the catalogs."""

from __future__ import annotations

import shutil

from babel.messages.mofile import read_mo

from survey_app.i18n.commands import (
    CATALOG_LANGUAGES,
    TRANSLATIONS_DIRECTORY,
    po_path,
    read_catalog,
)

from .checks import keys, untranslated


def test_extract_update_compile_round_trip(runner, tmp_path):
    extracted = runner.invoke(args=["translations", "extract", "--directory", str(tmp_path)])
    assert extracted.exit_code == 0, extracted.output
    template = read_catalog(tmp_path / "messages.pot")
    assert ("sip-child:C3", "Lyssnade de vuxna på dig?") in keys(template)

    # A language that has only just been added has no catalog yet: update creates it.
    for language in CATALOG_LANGUAGES[1:]:
        po_path(language, tmp_path).parent.mkdir(parents=True)
        shutil.copyfile(po_path(language, TRANSLATIONS_DIRECTORY), po_path(language, tmp_path))
    updated = runner.invoke(args=["translations", "update", "--directory", str(tmp_path)])
    assert updated.exit_code == 0, updated.output
    created = read_catalog(po_path(CATALOG_LANGUAGES[0], tmp_path))
    assert keys(created) == keys(template)
    assert all(untranslated(message) for message in created if message.id)

    compiled = runner.invoke(args=["translations", "compile", "--directory", str(tmp_path)])
    assert compiled.exit_code == 0, compiled.output
    with po_path("ar", tmp_path).with_suffix(".mo").open("rb") as mo_file:
        arabic = read_mo(mo_file)
    next_page = arabic.get("Nästa")
    assert next_page is not None
    assert next_page.string == "التالي"


def test_compile_fails_loudly_on_a_broken_catalog(runner, tmp_path):
    for language in CATALOG_LANGUAGES:
        po_path(language, tmp_path).parent.mkdir(parents=True)
        shutil.copyfile(po_path(language, TRANSLATIONS_DIRECTORY), po_path(language, tmp_path))
    finnish = po_path("fi", tmp_path)
    text = finnish.read_text("utf-8")
    broken = text.replace('"Sivu %(position)s/%(total)s"', '"Sivu %(sivu)s/%(total)s"', 1)
    assert broken != text
    finnish.write_text(broken, "utf-8")
    result = runner.invoke(args=["translations", "compile", "--directory", str(tmp_path)])
    assert result.exit_code != 0
    assert "fi:" in result.output
    assert "broken" in result.output
