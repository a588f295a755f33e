"""Reading a letter back as a person with a phone would: its text, its page and its QR code.

PDFium (pypdfium2) extracts the text in reading order, right-to-left lines included, and
renders the page for the QR decoder (zxing-cpp). Extraction of Arabic script has two known
quirks, which `comparable` evens out on both sides of a comparison: the lam-alef ligature
comes back with its two letters in either order, and vowel marks and zero-width joiners may
move or vanish.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import zxingcpp

#: Page sizes in PostScript points (ISO 216).
PAGE_POINTS = {"A4": (595.28, 841.89), "A5": (419.53, 595.28)}
LAM_ALEF_RUN = re.compile(r"[لاأإآ]+")
#: How the QR code is rendered for the decoder: 2 × 72 dpi, a phone camera does with less.
RENDER_SCALE = 2


@dataclass(frozen=True)
class Glyph:
    char: str
    font: str
    size: float
    left: float
    right: float


@dataclass(frozen=True)
class ReadLetter:
    pages: int
    #: Width and height of the first page, in points.
    page_size: tuple[float, float]
    #: The text as extracted, lines separated by "\n".
    text: str
    glyphs: tuple[Glyph, ...]
    #: What the QR codes on the first page decode to.
    qr_codes: tuple[str, ...]

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.split("\n")]

    def heading(self) -> list[Glyph]:
        """The glyphs of the largest type on the page (the letter's heading), in text order."""
        largest = max(glyph.size for glyph in self.glyphs)
        return [g for g in self.glyphs if g.size == largest and not g.char.isspace()]


def _font_name(text_page: pdfium.PdfTextPage, index: int) -> str:
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(text_page.raw, index, buffer, len(buffer), ctypes.byref(flags))
    return buffer.value.decode("ascii", "replace").split("+")[-1]


def read_letter(pdf: bytes) -> ReadLetter:
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        text_page = page.get_textpage()
        glyphs = []
        for index in range(text_page.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(text_page.raw, index)
            left, _bottom, right, _top = text_page.get_charbox(index)
            glyphs.append(
                Glyph(
                    char=chr(code),
                    font=_font_name(text_page, index),
                    size=round(pdfium_c.FPDFText_GetFontSize(text_page.raw, index), 1),
                    left=left,
                    right=right,
                )
            )
        text = text_page.get_text_range().replace("\r\n", "\n")
        image = page.render(scale=RENDER_SCALE).to_pil()
        codes = tuple(code.text for code in zxingcpp.read_barcodes(image))
        width, height = page.get_size()
        return ReadLetter(
            pages=len(document),
            page_size=(width, height),
            text=text,
            glyphs=tuple(glyphs),
            qr_codes=codes,
        )
    finally:
        document.close()


def comparable(text: str) -> str:
    """Text as it can be compared with an extraction: one space between words, a line-end
    hyphen joined back, Arabic vowel marks and joiners dropped, lam-alef runs sorted."""
    text = re.sub(r"\ufffe\s*", "-", text)  # PDFium's mark for a hyphen at a line break
    text = "".join(
        char
        for char in unicodedata.normalize("NFC", text)
        if not (unicodedata.category(char) == "Mn" and "\u0600" <= char <= "\u06ff")
        and char not in "\u200c\u200d\u200f\u200e"
    )
    text = LAM_ALEF_RUN.sub(lambda run: "".join(sorted(run.group())), text)
    text = text.replace("«", '"').replace("»", '"')
    return " ".join(text.split())
