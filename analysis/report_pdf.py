"""report.pdf: report.html laid out on A4 by WeasyPrint, as a tagged PDF/UA-1 document.

One template for both formats: the PDF is the HTML document with print styles (title page,
page numbers, "preliminär" in the top margin of every page while the window is open). The
PDF carries a structure tree (headings, lists, tables with header cells, figures with their
text alternative), the language `sv` and the report's title, so it can be published on a
public-sector website (lag 2018:1937).
"""

from __future__ import annotations

import logging
from pathlib import Path

from analysis.report_content import Report
from analysis.report_html import render_html

PDF_VARIANT = "pdf/ua-1"


class PdfUnavailable(RuntimeError):
    """WeasyPrint could not load Pango (the system libraries are missing)."""


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes, fetching nothing (fonts come from the system's fontconfig)."""
    try:
        # Imported here: loading Pango costs every process that never makes a report.
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as error:  # WeasyPrint's cffi could not load Pango
        raise PdfUnavailable(
            "report.pdf needs Pango and fonts (Debian: libpango-1.0-0 libpangoft2-1.0-0 "
            f"fonts-dejavu-core): {error}"
        ) from error
    refuse_all = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    html = HTML(string=render_html(report, for_pdf=True), url_fetcher=refuse_all)
    # WeasyPrint reads the SVG's presentation styles (fill, stroke…) as CSS first and warns
    # once per shape that it ignores them for HTML; the SVG renderer then applies them.
    log = logging.getLogger("weasyprint")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        pdf: bytes = html.write_pdf(pdf_variant=PDF_VARIANT)
    finally:
        log.setLevel(level)
    return pdf


def write_pdf(report: Report, path: Path) -> None:
    """Write report.pdf (A4, tagged)."""
    path.write_bytes(render_pdf(report))
