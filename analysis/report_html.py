"""report.html: one self-contained Swedish page (inline CSS and SVG, no external requests).

The same document, laid out for A4 by WeasyPrint, is report.pdf (analysis/report_pdf.py): one
template for both, so they cannot say different things.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from analysis.report_content import (
    PUBLISHER,
    Block,
    BulletList,
    Figure,
    Heading,
    KeyFigures,
    PageBreak,
    Paragraph,
    Report,
    Table,
)

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #1a1a1a; background: #fff; line-height: 1.5; margin: 0; }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
header { border-bottom: 4px solid #2166ac; padding-bottom: 1rem; margin-bottom: 1rem; }
h1 { font-size: 2rem; margin: 1.5rem 0 0.25rem; }
h2 { font-size: 1.5rem; margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.2rem; margin-top: 2rem; }
.subtitle { font-size: 1.15rem; margin: 0; }
.meta { color: #444; margin: 0.25rem 0 0; }
nav ol { padding-left: 1.25rem; }
a { color: #174a85; }
a:focus, a:hover { outline: 2px solid #b35806; outline-offset: 2px; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
.figures li { border: 1px solid #ccc; border-radius: 6px; padding: 0.75rem 1rem;
  min-width: 10rem; }
.figures .value { display: block; font-size: 1.4rem; font-weight: bold; }
figure { margin: 1.5rem 0; }
figcaption { font-size: 0.9rem; color: #333; }
.table-wrap { overflow-x: auto; margin: 1rem 0 1.5rem; }
table { border-collapse: collapse; font-size: 0.9rem; min-width: 60%; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.5rem; vertical-align: top; }
thead th { background: #e8eef6; text-align: left; }
th[scope="row"] { text-align: left; font-weight: normal; }
td.num, th.num { text-align: right; white-space: nowrap; }
.note { font-size: 0.9rem; color: #333; }
footer { font-size: 0.85rem; color: #444; border-top: 1px solid #ccc; margin-top: 3rem;
  padding-bottom: 2rem; }
.preliminary { border: 3px solid #b35806; background: #fff4e5; padding: 0.5rem 1rem;
  font-weight: bold; }
.findings li { margin-bottom: 0.5rem; }
@page { size: A4; margin: 18mm 18mm 22mm;
  font-family: "DejaVu Sans", sans-serif;
  @bottom-left { content: "FoU Välfärd"; font-size: 8pt; color: #444; }
  @bottom-right { content: "Sida " counter(page) " av " counter(pages); font-size: 8pt;
    color: #444; } }
@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }
@media print {
  body { font-size: 9.5pt; line-height: 1.4; }
  header, main, footer { max-width: none; padding: 0; }
  header { border: none; padding-top: 55mm; break-after: page; }
  h1 { font-size: 26pt; }
  .title-figures { font-size: 12pt; list-style: none; padding: 0; margin-top: 12mm; }
  h2 { font-size: 15pt; color: #174a85; border: none; }
  .new-page { break-before: page; }
  h2, h3, caption { break-after: avoid; }
  /* A chart stays whole; its caption (the figures in words) may run onto the next page. */
  figure svg, tr { break-inside: avoid; }
  figcaption, .note { font-size: 8pt; }
  table { font-size: 7.5pt; width: 100%; }
  .table-wrap { overflow: visible; }
  footer { border: none; }
}
"""
#: On every page of a report made while the window is open (the PDF's page margin too).
PRELIMINARY = (
    "Preliminär rapport: insamlingsfönstret är fortfarande öppet, så siffrorna kan ändras."
)


def _table(table: Table, index: int) -> str:
    numeric = table.numeric or [False] * len(table.columns)
    head = "".join(
        f'<th scope="col"{" class=num" if numeric[i] else ""}>{escape(c)}</th>'
        for i, c in enumerate(table.columns)
    )
    body = []
    for row in table.rows:
        cells = [f'<th scope="row">{escape(row[0])}</th>']
        cells += [
            f"<td{' class=num' if numeric[i] else ''}>{escape(cell)}</td>"
            for i, cell in enumerate(row)
            if i > 0
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="table-wrap" role="region" aria-labelledby="table-{index}" '
        f'tabindex="0"><table><caption id="table-{index}">{escape(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _figure_svg(block: Figure, for_pdf: bool) -> str:
    chart = block.chart
    if not for_pdf:
        return chart.svg
    # A PDF figure's alternative text is its SVG <title>: there it carries the figures too.
    title = f'<title id="{chart.key}-title">{escape(chart.title)}</title>'
    full = (
        f'<title id="{chart.key}-title">{escape(chart.title)}. {escape(chart.description)}</title>'
    )
    return chart.svg.replace(title, full, 1)


def _block(block: Block, index: int, new_page: bool = False, for_pdf: bool = False) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
        css = ' class="new-page"' if new_page else ""
        return f"<h{block.level}{anchor}{css}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        css = ' class="note"' if block.kind == "note" else ""
        return f"<p{css}>{escape(block.text)}</p>"
    if isinstance(block, BulletList):
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        return f'<ul class="findings">{items}</ul>'

    if isinstance(block, KeyFigures):
        items = "".join(
            f'<li><span class="label">{escape(label)}</span>'
            f'<span class="value">{escape(value)}</span></li>'
            for label, value in block.figures
        )
        return f'<ul class="figures">{items}</ul>'
    if isinstance(block, Table):
        return _table(block, index)
    if isinstance(block, Figure):
        chart = block.chart
        return (
            f"<figure>{_figure_svg(block, for_pdf)}<figcaption>{escape(chart.title)}. "
            f"{escape(chart.description)}</figcaption></figure>"
        )
    if isinstance(block, PageBreak):
        return ""
    raise TypeError(f"unknown block {block!r}")


def _body(report: Report, for_pdf: bool) -> str:
    parts = []
    new_page = False
    for i, block in enumerate(report.blocks):
        if isinstance(block, PageBreak):
            new_page = True
            continue
        parts.append(_block(block, i, new_page, for_pdf))
        if isinstance(block, Heading):
            new_page = False
    return "\n".join(parts)


def _css(report: Report) -> str:
    if not report.preliminary:
        return _CSS
    # Every printed page says so, in its top margin.
    return _CSS + (
        f'@page {{ @top-center {{ content: "{PRELIMINARY}"; font-size: 9pt; '
        "font-weight: bold; color: #8a4200; } }\n"
    )


def render_html(report: Report, *, for_pdf: bool = False) -> str:
    """The whole report as one HTML document (for_pdf: figures' full text in their title)."""
    toc = "".join(
        f'<li><a href="#{escape(b.anchor)}">{escape(b.text)}</a></li>'
        for b in report.blocks
        if isinstance(b, Heading) and b.level == 2 and b.anchor
    )
    body = _body(report, for_pdf)
    preliminary = (
        f'<p class="preliminary" role="note">{escape(PRELIMINARY)}</p>'
        if report.preliminary
        else ""
    )
    figures = "".join(
        f"<li><strong>{escape(label)}:</strong> {escape(value)}</li>"
        for label, value in report.title_figures
    )
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(report.title)}</title>
<meta name="author" content="{escape(PUBLISHER)}">
<meta name="description" content="{escape(report.subtitle)}">
<style>{_css(report)}</style>
</head>
<body>
<header>
{preliminary}
<h1>{escape(report.title)}</h1>
<p class="subtitle">{escape(report.subtitle)}</p>
<p class="meta">{escape(PUBLISHER)} · {escape(report.period)}</p>
<ul class="title-figures">{figures}</ul>
</header>
<main>
<nav aria-label="Innehåll"><h2>Innehåll</h2><ol>{toc}</ol></nav>
{body}
</main>
<footer><p>{escape(PUBLISHER)}. Resultaten kommer från results.json i samma mapp.</p></footer>
</body>
</html>
"""


def write_html(report: Report, path: Path) -> None:
    """Write report.html."""
    path.write_text(render_html(report), encoding="utf-8")
