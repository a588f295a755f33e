"""report.pdf is a tagged PDF/UA-1 document and report.html passes axe-core.

The machine-checkable part of PDF/UA, read back with pikepdf: marked content with a
structure tree, the document language, a title shown as the window title, the PDF/UA
identification, headings, tables with header cells, and a text alternative on every figure.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from analysis.report_content import REPORT_TITLE
from analysis.results import Results


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, depth first (reading order)."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: Any) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


@pytest.fixture(scope="module")
def pdf(analysed: tuple[Path, Results]) -> pikepdf.Pdf:
    return pikepdf.open(analysed[0] / "report.pdf")


def test_the_pdf_is_tagged_in_swedish_with_a_title(pdf: pikepdf.Pdf) -> None:
    assert pdf.Root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.Root.Lang).startswith("sv")
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    meta = pdf.open_metadata()
    assert meta.get("dc:title") == REPORT_TITLE
    assert meta.get("pdfuaid:part") == "1"
    # Every page's content is reached through the structure tree (tab order follows it).
    assert all(page.obj.get("/Tabs") == "/S" for page in pdf.pages)


def test_headings_tables_and_figures_are_tagged(
    pdf: pikepdf.Pdf, analysed: tuple[Path, Results]
) -> None:
    elements = structure(pdf)
    tags = Counter(str(e.S) for e in elements)
    assert tags["/H1"] == 1
    assert tags["/H2"] >= 5
    assert tags["/Table"] >= 5
    charts = json.loads((analysed[0] / "charts" / "charts.json").read_text(encoding="utf-8"))
    alts = [str(e.get("/Alt", "")) for e in elements if str(e.S) == "/Figure"]
    assert len(alts) == len(charts)
    # Each figure's alternative is its title and its figures in words, not only a name.
    for chart, alt in zip(charts.values(), alts, strict=True):
        assert alt == f"{chart['title']}. {chart['description']}"
    # Every table has header cells, and every data cell names its headers (Headers and IDs,
    # the association PDF/UA accepts in place of Scope).
    for table in (e for e in elements if str(e.S) == "/Table"):
        inner = structure_of(table)
        ids = {str(e.ID) for e in inner if str(e.S) == "/TH"}
        assert ids
        for cell in (e for e in inner if str(e.S) == "/TD"):
            headers = {str(h) for h in cell.A.Headers}
            assert headers
            assert headers <= ids


def structure_of(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []

    def walk(node: Any) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)

    walk(element.get("/K"))
    return found


def test_the_html_report_has_no_axe_violations(
    browser: Any, analysed: tuple[Path, Results]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    try:
        page.goto((analysed[0] / "report.html").as_uri())
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        page.close()
