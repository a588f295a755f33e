"""The SMS texts, per language, and the check that each fits its allowed segments.

Swedish is the source; translations come from the normal gettext catalogs (contexts
"sms:invite", "sms:reminder", "sms:handover-invite", "sms:handover-reminder"). A GSM-7 text
must fit one segment (160 septets); a language that needs UCS-2 may use two. A catalog whose
text is longer is refused when the app starts (`check_templates`), not when an SMS is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask
from flask_babel import force_locale, pgettext

from survey_app.config import ConfigurationError
from survey_app.i18n import FAMILY_LANGUAGES, family_language
from survey_app.messaging.segments import GSM7, SegmentCount, count_segments, non_gsm7_characters
from survey_app.models import MessageKind

#: Allowed segments per encoding: GSM-7 must fit one; UCS-2 languages may need two.
MAX_SEGMENTS = {"GSM-7": 1, "UCS-2": 2}
#: The longest municipality name in Västerbotten, for the worst-case length check.
LONGEST_MUNICIPALITY = "Robertsfors"
#: A stand-in token of the real length (22 characters) for the check.
SAMPLE_TOKEN = "x" * 22


class TemplateTooLong(ConfigurationError):
    """A text (in some language) needs more segments than an SMS of its encoding may use."""


@dataclass(frozen=True)
class SmsText:
    body: str
    count: SegmentCount


def _template(kind: MessageKind, handover: bool) -> str:
    # Literal strings, so that pybabel extracts each one with its context. A resend is the
    # invitation again, word for word.
    if kind is MessageKind.RESEND:
        kind = MessageKind.INVITE
    if kind is MessageKind.INVITE and not handover:
        return pgettext(
            "sms:invite",
            "Hej! Hur var SIP-mötet i %(municipality)s för dig? Svara anonymt, ca 3 min: "
            "%(link)s /Region Västerbotten",
        )
    if kind is MessageKind.INVITE:
        return pgettext(
            "sms:handover-invite",
            "Hej! Barnets egen enkät om SIP-mötet i %(municipality)s. Ge barnet telefonen: "
            "%(link)s /Region Västerbotten",
        )
    if not handover:
        return pgettext(
            "sms:reminder",
            "Påminnelse: hur var SIP-mötet i %(municipality)s? Svara anonymt, ca 3 min: "
            "%(link)s /Region Västerbotten",
        )
    return pgettext(
        "sms:handover-reminder",
        "Påminnelse: barnets enkät om SIP-mötet i %(municipality)s. Ge barnet telefonen: "
        "%(link)s /Region Västerbotten",
    )


def survey_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"


def compose(
    kind: MessageKind, *, language: str, link: str, municipality: str, handover: bool = False
) -> SmsText:
    """The text of one SMS in the invitation's language."""
    with force_locale(family_language(language)):
        template = _template(kind, handover)
    # The placeholders are filled here rather than by pgettext so that a translation that
    # drops one fails loudly in check_templates instead of sending a link-less SMS.
    body = template % {"link": link, "municipality": municipality}
    return SmsText(body=body, count=count_segments(body))


def _variants() -> Iterator[tuple[MessageKind, bool]]:
    for kind in MessageKind:
        for handover in (False, True):
            yield kind, handover


def check_templates(base_url: str, languages: tuple[str, ...] | None = None) -> list[str]:
    """Problems with the SMS texts at this base URL, one line each (empty: all fit)."""
    problems: list[str] = []
    link = survey_link(base_url, SAMPLE_TOKEN)
    for language in languages or tuple(FAMILY_LANGUAGES):
        for kind, handover in _variants():
            name = f"{kind.value}{' (handover)' if handover else ''} [{language}]"
            try:
                text = compose(
                    kind,
                    language=language,
                    link=link,
                    municipality=LONGEST_MUNICIPALITY,
                    handover=handover,
                )
            except (KeyError, ValueError, TypeError) as error:
                problems.append(f"{name}: broken placeholder ({error})")
                continue
            if link not in text.body:
                problems.append(f"{name}: the text has no %(link)s")
            allowed = MAX_SEGMENTS[text.count.encoding]
            if text.count.segments > allowed:
                problems.append(
                    f"{name}: {text.count.units} {text.count.encoding} units need "
                    f"{text.count.segments} segments, at most {allowed} allowed"
                )
            if language == "sv" and text.count.encoding != GSM7:
                odd = "".join(non_gsm7_characters(text.body))
                problems.append(f"{name}: characters outside GSM-7 ({odd!r}) make it UCS-2")
    return problems


def init_sms_texts(app: Flask) -> None:
    """Refuse to start with an SMS text that does not fit (checked with the configured URL)."""
    with app.app_context():
        problems = check_templates(app.config["SURVEY_BASE_URL"])
    if problems:
        raise TemplateTooLong("SMS texts do not fit: " + "; ".join(problems))
