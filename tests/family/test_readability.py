"""Easy-to-read check: what a child of 6–11 reads has a LIX (läsbarhetsindex) of 30 or less.

LIX = words / sentences + 100 × long words / words, where a long word has more than six
letters. Below 30 is "very easy" (children's books); the guardian form may be harder.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from survey_app.questionnaires import all_questionnaires

LIX_LIMIT = 30
#: A word: letters, possibly joined by hyphens ("SIP-möten" is one word). Digits are not words.
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
#: A sentence ends at . ! ? or : (the usual LIX convention); a text without one is one sentence.
SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")


def lix(text: str) -> float:
    words = WORD.findall(text)
    if not words:
        raise ValueError("no words to measure")
    sentences = max(1, len(SENTENCE_END.findall(text.strip())))
    long_words = sum(1 for word in words if len(word.replace("-", "")) > 6)
    return len(words) / sentences + 100 * long_words / len(words)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 8 words, 2 sentences, no long word: 8/2 + 0.
        ("Jag har en katt. Katten är mycket glad.", 4.0),
        # 5 words, 1 sentence, one long word (tillsammans): 5 + 100/5.
        ("Barnen lekte tillsammans i parken.", 25.0),
        # 4 words, 1 sentence (no full stop), 2 long (Sammanträdet, ordförandens): 4 + 50.
        ("Sammanträdet leddes av ordförandens", 54.0),
        # A hyphenated compound is one word and digits are not words: 6 words, 2 sentences,
        # one long (SIP-mötet has 8 letters; timmar only 6): 6/2 + 100/6.
        ("Vi hade SIP-mötet. Det tog 3 timmar!", 3 + 100 / 6),
        # Exactly six letters is not long.
        ("Skolan", 1.0),
    ],
)
def test_lix_known_answers(text, expected):
    assert lix(text) == pytest.approx(expected)


def test_lix_refuses_a_text_without_words():
    with pytest.raises(ValueError, match="no words"):
        lix("3 4 5")


def _child_questionnaire_text(app) -> str:
    """Every item text, hint and answer label a child reads in sip-child, as one text."""
    questionnaire = all_questionnaires()["sip-child"]
    parts: list[str] = []
    scales = {}
    for item in questionnaire.items:
        parts.append(item.text)
        if item.hint:
            parts.append(item.hint)
        if item.scale is not None:
            scales[item.scale.key] = item.scale
    for scale in scales.values():
        parts.extend(f"{option.label}." for option in scale.options)
        if scale.no_answer:
            parts.append(f"{scale.no_answer}.")
    return " ".join(parts)


def test_child_questions_and_answers_are_easy_to_read(app):
    text = _child_questionnaire_text(app)
    assert "Kändes det okej att vara med?" in text  # the whole form is measured
    assert "Vet inte." in text
    assert lix(text) <= LIX_LIMIT, f"LIX {lix(text):.1f}: {text}"


def test_every_child_question_is_short(app):
    # LIX is unstable for one short sentence; a word limit per question is the check there.
    for item in all_questionnaires()["sip-child"].items:
        assert len(WORD.findall(item.text)) <= 12, item.key


class _MainText(HTMLParser):
    """The text inside <main>, leaving out the language menu (names of languages)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"main": 0, "nav": 0}
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_endtag(self, tag):
        if tag in self.depth:
            self.depth[tag] -= 1

    def handle_data(self, data):
        if self.depth["main"] and not self.depth["nav"] and data.strip():
            self.chunks.append(data.strip())


def _as_sentences(chunks: list[str]) -> str:
    # A heading or button without a full stop is still a sentence of its own.
    return " ".join(chunk if chunk[-1] in ".!?:" else chunk + "." for chunk in chunks)


def test_child_start_page_is_easy_to_read(client, make_invitation):
    invitation = make_invitation(role="child")
    client.get(f"/s/{invitation.token}")
    parser = _MainText()
    parser.feed(client.get("/s/").text)
    text = _as_sentences(parser.chunks)
    assert "Ingen får veta vad du svarar." in text  # the intro is what is measured
    assert "Jag vill inte svara." in text
    assert lix(text) <= LIX_LIMIT, f"LIX {lix(text):.1f}: {text}"


def test_child_intro_sentences_are_easy_to_read(app):
    from survey_app.respond.children import CHILD_INTRO, CHILD_PROMISES

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        text = " ".join(str(sentence) for sentence in (*CHILD_INTRO, *CHILD_PROMISES))
    assert lix(text) <= LIX_LIMIT, f"LIX {lix(text):.1f}: {text}"


def test_child_thank_you_sentences_are_easy_to_read(app):
    from survey_app.respond.children import CHILD_THANKS

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        text = " ".join(str(sentence) for sentence in CHILD_THANKS)
    assert "möten bättre för barn" in text
    assert lix(text) <= LIX_LIMIT, f"LIX {lix(text):.1f}: {text}"
