"""report.html: one self-contained Swedish page (inline CSS and SVG, no external requests)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from analysis.report_content import (
    PUBLISHER,
    Block,
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
@media print { h2 { break-before: page; } figure, table { break-inside: avoid; } }
"""


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


def _block(block: Block, index: int) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        css = ' class="note"' if block.kind == "note" else ""
        return f"<p{css}>{escape(block.text)}</p>"
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
            f"<figure>{chart.svg}<figcaption>{escape(chart.title)}. "
            f"{escape(chart.description)}</figcaption></figure>"
        )
    if isinstance(block, PageBreak):
        return ""
    raise TypeError(f"unknown block {block!r}")


def render_html(report: Report) -> str:
    """The whole report as one HTML document."""
    toc = "".join(
        f'<li><a href="#{escape(b.anchor)}">{escape(b.text)}</a></li>'
        for b in report.blocks
        if isinstance(b, Heading) and b.level == 2 and b.anchor
    )
    body = "\n".join(_block(block, i) for i, block in enumerate(report.blocks))
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(report.title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{escape(report.title)}</h1>
<p class="subtitle">{escape(report.subtitle)}</p>
<p class="meta">{escape(PUBLISHER)} · {escape(report.period)}</p>
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
