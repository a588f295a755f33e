"""Every letter, in every language and size, reads right and its QR code opens the invitation."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask_babel import force_locale

from survey_app.domain.letters import print_letter
from survey_app.domain.links import invitation_for_token
from survey_app.domain.tokens import TYPEABLE_ALPHABET
from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.messaging.letters import (
    CHILD_HELP,
    HOW_TO_ANSWER,
    ONLY_FOR_YOU,
    PAPER_SIZES,
    POINTS_PER_MM,
    letter_html,
)
from survey_app.models import Invitation
from survey_app.respond.children import CHILD_INTRO, YOUTH_PROMISES
from tests.family.test_readability import LIX_LIMIT, lix

from .reading import PAGE_POINTS, ReadLetter, comparable, read_letter

LINK = re.compile(r"https://enkat\.example\.se/s/([A-Za-z0-9_-]{22})")
#: The script a language's own words are written in, and the font family that must draw it.
SCRIPT_FONTS = {
    "ar": ("\u0600", "\u06ff", "Arabic"),
    "fa": ("\u0600", "\u06ff", "Arabic"),
    "ti": ("\u1200", "\u139f", "Ethiopic"),
}


def _key_sentences(language: str, role: str) -> list[str]:
    """The sentences only a letter has, in the letter's language."""
    with force_locale(language):
        sentences = [str(HOW_TO_ANSWER), str(ONLY_FOR_YOU)]
        if role == "child":  # in the child's words, as on the child's start page
            sentences += [str(sentence) for sentence in (*CHILD_HELP, CHILD_INTRO[0])]
        if role == "youth":
            sentences.append(str(YOUTH_PROMISES[0]))
    return sentences


@pytest.fixture
def letter_of(
    app: Flask, make_invitation: Callable[..., Invitation]
) -> Callable[[str, str, str], tuple[Invitation, ReadLetter]]:
    def make(language: str, role: str, size: str) -> tuple[Invitation, ReadLetter]:
        invitation = make_invitation(language=language, role=role)
        return invitation, read_letter(print_letter(invitation, size, actor=None).pdf)

    return make


@pytest.mark.parametrize("size", sorted(PAPER_SIZES))
@pytest.mark.parametrize("role", ["guardian", "youth", "child"])
@pytest.mark.parametrize("language", list(FAMILY_LANGUAGES))
def test_the_letter_reads_right_and_its_qr_code_opens_the_invitation(
    letter_of: Callable[..., tuple[Invitation, ReadLetter]],
    language: str,
    role: str,
    size: str,
) -> None:
    invitation, letter = letter_of(language, role, size)

    assert letter.pages == 1
    assert letter.page_size == pytest.approx(PAGE_POINTS[size], abs=0.5)
    # The link is written out on a line of its own, once, and the QR code says the same.
    links = LINK.findall(letter.text)
    assert len(links) == 1, letter.text
    (token,) = links
    assert f"https://enkat.example.se/s/{token}" in letter.lines
    assert letter.qr_codes == (f"https://enkat.example.se/s/{token}",)
    assert invitation_for_token(token) == invitation.id
    assert set(token) <= set(TYPEABLE_ALPHABET)  # nothing to mistake when typing it
    # What a letter says in the language (and in a child's words for a child).
    text = comparable(letter.text)
    for sentence in _key_sentences(language, role):
        assert comparable(sentence) in text, (sentence, letter.text)
    if language != "sv":
        assert comparable(_key_sentences("sv", role)[0]) not in text  # really translated


@pytest.mark.parametrize("language", list(SCRIPT_FONTS))
def test_each_script_is_drawn_with_a_font_that_has_it(
    letter_of: Callable[..., tuple[Invitation, ReadLetter]], language: str
) -> None:
    low, high, family = SCRIPT_FONTS[language]
    _, letter = letter_of(language, "guardian", "A5")
    script = [glyph for glyph in letter.glyphs if low <= glyph.char <= high]
    assert len(script) > 100
    assert {glyph.font for glyph in script if family not in glyph.font} == set()
    link = [glyph for glyph in letter.glyphs if glyph.size == max(g.size for g in letter.glyphs)]
    assert link  # the heading exists; the written link is in a monospace font:
    assert any("Mono" in glyph.font for glyph in letter.glyphs)


@pytest.mark.parametrize("size", sorted(PAPER_SIZES))
@pytest.mark.parametrize("language", list(FAMILY_LANGUAGES))
def test_arabic_and_persian_run_right_to_left_and_the_others_left_to_right(
    letter_of: Callable[..., tuple[Invitation, ReadLetter]], language: str, size: str
) -> None:
    """The heading starts at the right margin and runs leftwards in Arabic and Persian; at the
    left margin and rightwards in the others. (The HTML says so too: <html dir>.)"""
    invitation, letter = letter_of(language, "guardian", size)
    rtl = FAMILY_LANGUAGES[language].direction == "rtl"
    heading = letter.heading()
    first, last = heading[0], heading[-1]
    margin = PAPER_SIZES[size].margin_mm * POINTS_PER_MM
    page_width = letter.page_size[0]
    if rtl:
        assert first.left > last.left
        assert first.right == pytest.approx(page_width - margin, abs=3)
        assert last.left > margin + 10  # ragged on the left
    else:
        assert first.left < last.left
        assert first.left == pytest.approx(margin, abs=3)
    html = letter_html(invitation, "https://enkat.example.se/s/x", PAPER_SIZES[size], "https://e")
    assert f'<html lang="{language}" dir="{"rtl" if rtl else "ltr"}">' in html


def test_what_only_a_childs_letter_says_is_easy_to_read(app: Flask) -> None:
    assert lix(" ".join(str(sentence) for sentence in CHILD_HELP)) <= LIX_LIMIT
