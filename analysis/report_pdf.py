"""report.pdf: the same content as report.html on A4, with a title page and page numbers."""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from analysis.report_content import (
    PUBLISHER,
    Figure,
    Heading,
    KeyFigures,
    PageBreak,
    Paragraph,
    Report,
    Table,
)

MARGIN = 18 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
FRAME_HEIGHT = A4[1] - 2 * MARGIN - 10 * mm
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
# reportlab's built-in fonts lack χ, ε and similar; DejaVu ships with matplotlib.
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=13, spaceAfter=6, alignment=TA_LEFT
    )
    return {
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=10.5),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            spaceBefore=10,
            spaceAfter=8,
            keepWithNext=1,
            textColor=colors.HexColor("#174a85"),
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=9,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "figcaption": ParagraphStyle(
            "figcaption",
            parent=base,
            fontSize=8,
            leading=10.5,
            textColor=colors.HexColor("#333333"),
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5, spaceAfter=0),
        "cellnum": ParagraphStyle(
            "cellnum", parent=base, fontSize=7.5, leading=9.5, spaceAfter=0, alignment=TA_RIGHT
        ),
        "cellhead": ParagraphStyle(
            "cellhead", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9.5, spaceAfter=0
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=26, leading=32, spaceAfter=12
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=19, spaceAfter=24),
        "figure": ParagraphStyle("figure", parent=base, fontSize=12, leading=17),
    }


def _column_widths(table: Table, styles: dict[str, ParagraphStyle]) -> list[float]:
    """Widths that never break a number, sharing what is left by the length of the text."""
    padding = 7.0
    cell, head = styles["cell"], styles["cellhead"]

    def width(text: str, style: ParagraphStyle) -> float:
        return float(pdfmetrics.stringWidth(text, style.fontName, style.fontSize))

    minimum, natural = [], []
    for i, title in enumerate(table.columns):
        texts = [row[i] for row in table.rows]
        # Cells break only at ordinary spaces; numbers use non-breaking ones.
        words = [w for t in texts for w in t.split(" ")] or [""]
        head_words = title.split(" ")
        minimum.append(
            max(max(width(w, cell) for w in words), max(width(w, head) for w in head_words))
            + padding
        )
        natural.append(max([width(title, head)] + [width(t, cell) for t in texts]) + padding)
    if sum(natural) <= FRAME_WIDTH:
        return natural
    spare = max(FRAME_WIDTH - sum(minimum), 0.0)
    stretch = [n - m for n, m in zip(natural, minimum, strict=True)]
    total = sum(stretch) or 1.0
    return [m + spare * s / total for m, s in zip(minimum, stretch, strict=True)]


def _table(table: Table, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    numeric = table.numeric or [False] * len(table.columns)
    data = [[RLParagraph(escape(c), styles["cellhead"]) for c in table.columns]]
    data += [
        [
            RLParagraph(escape(cell), styles["cellnum" if numeric[i] else "cell"])
            for i, cell in enumerate(row)
        ]
        for row in table.rows
    ]
    flowable = RLTable(data, colWidths=_column_widths(table, styles), repeatRows=1, hAlign="LEFT")
    flowable.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    caption = RLParagraph(escape(table.caption), styles["caption"])
    if len(table.rows) < 12:
        return [KeepTogether([caption, flowable])]
    # Long tables split over pages (header row repeated); the caption keeps with the table.
    return [caption, flowable]


def _image(png: bytes) -> Image:
    width_px, height_px = struct.unpack(">II", png[16:24])
    width = FRAME_WIDTH
    height = width * height_px / width_px
    if height > FRAME_HEIGHT * 0.85:
        height = FRAME_HEIGHT * 0.85
        width = height * width_px / height_px
    return Image(io.BytesIO(png), width=width, height=height)


def _flowables(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 60 * mm),
        RLParagraph(escape(report.title), styles["title"]),
        RLParagraph(escape(report.subtitle), styles["subtitle"]),
        RLParagraph(escape(f"{PUBLISHER} · {report.period}"), styles["body"]),
        Spacer(1, 12 * mm),
    ]
    story += [
        RLParagraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["figure"])
        for label, value in report.title_figures
    ]
    story.append(RLPageBreak())
    for block in report.blocks:
        if isinstance(block, Heading):
            story.append(RLParagraph(escape(block.text), styles[f"h{min(block.level, 3)}"]))
        elif isinstance(block, Paragraph):
            story.append(
                RLParagraph(escape(block.text), styles["note" if block.kind == "note" else "body"])
            )
        elif isinstance(block, KeyFigures):
            story += [
                RLParagraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["body"])
                for label, value in block.figures
            ]
        elif isinstance(block, Table):
            story += _table(block, styles)
        elif isinstance(block, Figure):
            story.append(
                KeepTogether(
                    [
                        _image(block.chart.png),
                        RLParagraph(
                            escape(f"{block.chart.title}. {block.chart.description}"),
                            styles["figcaption"],
                        ),
                    ]
                )
            )
        elif isinstance(block, PageBreak):
            story.append(RLPageBreak())
    return story


class _NumberedCanvas(Canvas):
    """Canvas that writes 'Sida n av m' once the total number of pages is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Stamp page numbers on every page, then write the file."""
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if self._pageNumber > 1:
                self.setFont(FONT, 8)
                self.setFillColor(colors.HexColor("#444444"))
                self.drawRightString(
                    A4[0] - MARGIN, MARGIN / 2, f"Sida {self._pageNumber} av {total}"
                )
                self.drawString(MARGIN, MARGIN / 2, PUBLISHER)
            super().showPage()
        super().save()


def write_pdf(report: Report, path: Path) -> None:
    """Write report.pdf (A4)."""
    _register_fonts()
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=report.title,
        author=PUBLISHER,
        subject=report.subtitle,
        lang="sv-SE",
        # Reproducible bytes: no creation time or random document id.
        invariant=True,
    )
    doc.build(_flowables(report, _styles()), canvasmaker=_NumberedCanvas)
