"""Segment counting and the SMS texts: Swedish fits one segment with a realistic link."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask

from survey_app.config import ConfigurationError
from survey_app.messaging.segments import GSM7, UCS2, count_segments, non_gsm7_characters
from survey_app.messaging.texts import (
    LONGEST_MUNICIPALITY,
    TemplateTooLong,
    check_templates,
    compose,
    survey_link,
)
from survey_app.models import MessageKind

REALISTIC_BASE = "https://sipenkat.regionvasterbotten.se"
TOKEN = "AbCdEfGhIjKlMnOpQrStU_"  # 22 characters, like tokens.new_token()


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", GSM7, 0, 1),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),
        ("a" * 307, GSM7, 307, 3),
        ("åäöÅÄÖéÉüÜÑñ@£$", GSM7, 15, 1),
        ("€", GSM7, 2, 1),
        ("[]{}~|^\\\f", GSM7, 18, 1),
        ("€" * 80, GSM7, 160, 1),
        ("€" * 81, GSM7, 162, 2),
        ("a" * 69 + "ç", UCS2, 70, 1),  # lower-case ç is not in GSM-7 (only Ç is)
        ("ب" * 71, UCS2, 71, 2),
        ("ب" * 134, UCS2, 134, 2),
        ("ب" * 135, UCS2, 135, 3),
        ("“citat”", UCS2, 7, 1),
        ("😀", UCS2, 2, 1),
        ("a" * 69 + "😀", UCS2, 71, 2),
    ],
)
def test_count_segments(text: str, encoding: str, units: int, segments: int) -> None:
    counted = count_segments(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, segments)


@pytest.mark.parametrize("kind", list(MessageKind))
@pytest.mark.parametrize("handover", [False, True])
def test_swedish_texts_fit_one_gsm7_segment_with_a_realistic_link(
    app: Flask, kind: MessageKind, handover: bool
) -> None:
    link = survey_link(REALISTIC_BASE, TOKEN)
    text = compose(
        kind, language="sv", link=link, municipality=LONGEST_MUNICIPALITY, handover=handover
    )
    assert link in text.body
    assert LONGEST_MUNICIPALITY in text.body
    assert text.count.encoding == GSM7, non_gsm7_characters(text.body)
    assert text.count.segments == 1, text.count.units


def test_no_typographic_quotes_or_emoji_in_the_swedish_texts(app: Flask) -> None:
    for kind in MessageKind:
        for handover in (False, True):
            body = compose(kind, language="sv", link="L", municipality="M", handover=handover).body
            assert non_gsm7_characters(body) == []


def test_the_shipped_texts_pass_the_check(app: Flask) -> None:
    # Swedish (the requirement) and English fit the realistic production URL; every shipped
    # language fits a short one. Longer URLs are refused at start for the languages that do
    # not fit them (translations/STATUS.yaml lists each language's longest base URL).
    assert check_templates(REALISTIC_BASE, ("sv", "en")) == []
    assert check_templates("https://sip.example.se") == []


def test_a_base_url_that_makes_the_text_too_long_is_refused(app: Flask) -> None:
    problems = check_templates("https://" + "a" * 60 + ".example.se", ("sv",))
    assert problems
    assert "need 2 segments, at most 1 allowed" in problems[0]


def test_the_app_refuses_to_start_when_the_texts_do_not_fit(app_factory: Callable) -> None:
    with pytest.raises(TemplateTooLong, match="SMS texts do not fit"):
        app_factory(SURVEY_BASE_URL="https://" + "a" * 60 + ".example.se")
    assert issubclass(TemplateTooLong, ConfigurationError)


def _catalog(directory: Path, language: str, translations: dict[tuple[str, str], str]) -> None:
    """A compiled gettext catalog with the given (context, Swedish) → translation entries."""
    from survey_app.messaging import texts

    catalog = Catalog(locale=language)
    for (context, source), translated in translations.items():
        catalog.add(source, translated, context=context)
    target = directory / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    assert texts  # the sources below are the module's own strings


def _sources(app: Flask) -> dict[str, str]:
    with app.app_context():
        return {
            context: compose(
                kind,
                language="sv",
                link="%(link)s",
                municipality="%(municipality)s",
                handover=handover,
            ).body
            for context, kind, handover in [
                ("sms:invite", MessageKind.INVITE, False),
                ("sms:reminder", MessageKind.REMINDER, False),
                ("sms:handover-invite", MessageKind.INVITE, True),
                ("sms:handover-reminder", MessageKind.REMINDER, True),
            ]
        }


def test_text_is_rendered_in_the_invitations_language(
    app: Flask, app_factory: Callable, tmp_path: Path
) -> None:
    sources = _sources(app)
    _catalog(
        tmp_path,
        "fi",
        {
            ("sms:invite", sources["sms:invite"]): "Hei! Miten SIP-kokous %(municipality)s meni? "
            "Vastaa nimettömästi: %(link)s"
        },
    )
    translated = app_factory(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    with translated.app_context():
        body = compose(MessageKind.INVITE, language="fi", link="https://x/s/t", municipality="Umeå")
    assert body.body == "Hei! Miten SIP-kokous Umeå meni? Vastaa nimettömästi: https://x/s/t"


def test_a_ucs2_translation_may_take_two_segments_but_not_three(
    app: Flask, app_factory: Callable, tmp_path: Path
) -> None:
    sources = _sources(app)
    fits = "مرحبا " * 10 + "%(municipality)s %(link)s"  # about 60 + 11 + 40 units: 2 segments
    _catalog(tmp_path / "ok", "ar", {("sms:invite", sources["sms:invite"]): fits})
    app_factory(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "ok"))  # starts
    too_long = "مرحبا " * 30 + "%(municipality)s %(link)s"
    _catalog(tmp_path / "long", "ar", {("sms:invite", sources["sms:invite"]): too_long})
    with pytest.raises(TemplateTooLong, match=r"invite \[ar\].*at most 2 allowed"):
        app_factory(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "long"))


def test_a_translation_that_drops_the_link_never_sends_a_text_without_it(
    app: Flask, app_factory: Callable, tmp_path: Path
) -> None:
    sources = _sources(app)
    broken = "Xusuusin %(municipality)s"
    _catalog(tmp_path, "so", {("sms:reminder", sources["sms:reminder"]): broken})
    translated = app_factory(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    with translated.app_context():
        assert check_templates(REALISTIC_BASE, ("so",)) == []
        text = compose(MessageKind.REMINDER, language="so", link="https://x/s/t", municipality="M")
    assert "https://x/s/t" in text.body
