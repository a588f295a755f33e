"""The invitation letter on paper: the SMS's message, with its link as a QR code and in writing.

For families without a mobile phone, or who will not open a link in an SMS. The letter says
what the SMS says (who asks, why, anonymous, about 3 minutes, the link) in the invitation's
language, a child's letter in the child's words. It names nobody, no number and no date: only
the municipality, as the SMS does.

The link is made by the caller (survey_app.domain.letters) when the letter is made, and lives
only in the PDF returned: this module writes no file, keeps no copy and logs nothing of it.
WeasyPrint lays the letter out with Pango and HarfBuzz (Arabic shaping, right to left,
Ethiopic) and embeds the fonts it used; it may fetch nothing, so a stray URL in the template
stops the rendering instead of making a request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from survey_app.i18n import family_language, text_direction
from survey_app.messaging.texts import survey_link
from survey_app.models import Invitation, Role
from survey_app.questionnaires import get_questionnaire


@dataclass(frozen=True)
class PaperSize:
    name: str
    #: The writing area's width (page less margins), to fit the written link on one line.
    text_width_mm: float
    margin_mm: float
    font_size_pt: float
    qr_mm: float


PAPER_SIZES = {
    "A4": PaperSize("A4", text_width_mm=166, margin_mm=22, font_size_pt=13, qr_mm=55),
    "A5": PaperSize("A5", text_width_mm=122, margin_mm=13, font_size_pt=10, qr_mm=40),
}
#: DejaVu Sans Mono's advance width, in em: how wide the written link is at a font size.
MONOSPACE_ADVANCE = 0.602
POINTS_PER_MM = 72 / 25.4
#: The answer box's padding and border on each side (letter.html), inside the writing area.
ANSWER_BOX_INSET_MM = 5.5
#: The written link is never larger than this, nor (for a very long address) smaller.
LINK_FONT_RANGE_PT = (8.0, 14.0)

HOW_TO_ANSWER = _l("Rikta mobilens kamera mot QR-koden och öppna länken som visas.")
TYPE_THE_ADDRESS = _l("Du kan också skriva in adressen i en webbläsare:")
ONLY_FOR_YOU = _l("Länken är bara för dig.")
#: What a child of 6–11 reads on the letter besides the start page's sentences (those come
#: from survey_app.respond.children, as template variables: messaging imports no blueprint).
CHILD_HELP = (_l("Be en vuxen hjälpa dig att öppna frågorna. Sedan svarar du själv."),)


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here (Pango missing): the message says what to install."""


def qr_code(link: str) -> Markup:
    """The link as an inline SVG QR code (vector: sharp at any size; no image service)."""
    from segno import make as make_qr  # only for letters (workers need not hold it)

    svg = make_qr(link, error="m").svg_inline(scale=1, border=4, dark="#000", light="#fff")
    return Markup(svg)  # noqa: S704  (segno's own markup; the link is in the path, not text)


def link_font_size(link: str, size: PaperSize) -> float:
    """The largest font size (within LINK_FONT_RANGE_PT) that keeps the link on one line."""
    width_pt = (size.text_width_mm - 2 * ANSWER_BOX_INSET_MM) * POINTS_PER_MM
    fitting = width_pt / (len(link) * MONOSPACE_ADVANCE)
    smallest, largest = LINK_FONT_RANGE_PT
    return round(max(smallest, min(largest, fitting * 0.95)), 1)


def _address(base_url: str, endpoint: str) -> str:
    """A public page's address under the base URL (as links are: base + path)."""
    path = current_app.url_map.bind("localhost").build(endpoint)
    return base_url.rstrip("/") + path


def letter_html(invitation: Invitation, link: str, size: PaperSize, base_url: str) -> str:
    """The letter as HTML in the invitation's language (what render_pdf lays out)."""
    language = family_language(invitation.language)
    municipality = invitation.meeting.team.municipality
    role = invitation.role
    with force_locale(language):
        return render_template(
            "letters/letter.html",
            language=language,
            direction=text_direction(language),
            role=role.value,
            questionnaire=get_questionnaire(invitation.questionnaire_key),
            municipality=municipality.name,
            area=municipality.area.name,
            child_help=CHILD_HELP,
            how_to_answer=HOW_TO_ANSWER,
            type_the_address=TYPE_THE_ADDRESS,
            only_for_you=ONLY_FOR_YOU,
            link=link,
            link_font_pt=link_font_size(link, size),
            qr=qr_code(link),
            privacy_address=_address(
                base_url,
                "respond.privacy_notice_for_children"
                if role is Role.CHILD
                else "respond.privacy_notice",
            ),
            size=size,
        )


def render_pdf(html: str) -> bytes:
    """Lay the HTML out as PDF, fetching nothing (fonts come from the system's fontconfig)."""
    try:
        # Imported here: loading Pango costs every process that never prints a letter.
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as error:  # WeasyPrint's cffi could not load Pango
        raise PdfUnavailable(
            "letters need Pango and fonts (Debian: libpango-1.0-0 libpangoft2-1.0-0 "
            f"fonts-noto-core): {error}"
        ) from error
    refuse_all = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    pdf: bytes = HTML(string=html, url_fetcher=refuse_all).write_pdf()
    return pdf


def compose_letter(invitation: Invitation, token: str, size: str, base_url: str) -> bytes:
    """The letter of one invitation with the given link token, as PDF."""
    link = survey_link(base_url, token)
    return render_pdf(letter_html(invitation, link, PAPER_SIZES[size], base_url))
