"""The key findings page opens every report; a window with few answers gets a short report."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import analysis
from analysis.codebook import load_codebook
from analysis.findings import ALPHA, key_findings
from analysis.labels import SUPPRESSED, group_label, percent
from analysis.results import Results

from .builders import Response, invitation, write_dataset

MAX_SHORT_PAGES = 4


def page_texts(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [
        " ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))
    ]


def findings_of(html: str) -> str:
    """The key findings section of report.html, up to the next section."""
    start = html.index('id="viktigaste"')
    end = html.find("<h2", start)
    return html[start : end if end > 0 else len(html)]


@pytest.fixture(scope="module")
def one_answer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Results]:
    folder = write_dataset(
        tmp_path_factory.mktemp("one"),
        [Response({"G0": 3, "G2": 4, "G3": 1})],
        [invitation() for _ in range(6)],
    )
    out = tmp_path_factory.mktemp("one-report")
    return out, analysis.run(folder, out, exports=False)


def test_a_one_answer_window_gets_a_short_report(one_answer: tuple[Path, Results]) -> None:
    out, results = one_answer
    assert results.participation.overall.suppressed
    texts = page_texts(out / "report.pdf")
    assert len(texts) <= MAX_SHORT_PAGES
    whole = " ".join(texts)
    assert "Det viktigaste" in whole
    assert "Vad rapporten kan och inte kan säga" in whole
    # No empty tables: no item table, no index table, no comparison table.
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<table" not in html
    assert "Svar per fråga" not in html
    # And no share of anything: the one answer is not described.
    assert "%" not in findings_of(html).replace("95 %", "")


@pytest.mark.parametrize("fixture", ["analysed", "one_answer"])
def test_every_report_opens_with_the_key_findings(
    fixture: str, request: pytest.FixtureRequest, simulated: Path
) -> None:
    out, results = request.getfixturevalue(fixture)
    codebook = load_codebook(simulated / "codebook.json")
    texts = page_texts(out / "report.pdf")
    # The title page, then the contents and the key findings.
    assert "Det viktigaste" in texts[1]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.index('id="viktigaste"') < html.index("<h2", html.index('id="viktigaste"') + 1)
    sentences = key_findings(results, codebook)
    assert sentences
    for sentence in sentences:
        assert escape(sentence, quote=False) in findings_of(html)


def test_the_key_findings_name_no_hidden_group_and_give_intervals(
    analysed: tuple[Path, Results],
) -> None:
    out, results = analysed
    findings = findings_of((out / "report.html").read_text(encoding="utf-8"))
    for breakdown, groups in results.participation.by.items():
        for name, group in groups.items():
            if group.suppressed and name != "*":
                assert group_label(breakdown, name) not in findings, name
    for items in results.items.values():
        for summary in items.values():
            if summary.suppressed:
                assert summary.text not in findings
    # Every share named has its interval beside it.
    shares = re.findall(r"\d+\u00a0%", findings)
    intervals = re.findall(r"KI \d+–\d+\u00a0%", findings)
    assert shares
    assert len(intervals) * 2 >= len(shares) - 2
    assert SUPPRESSED in findings  # the rule is named, without a figure


def test_differences_are_called_so_only_beyond_chance(analysed: tuple[Path, Results]) -> None:
    out, results = analysed
    findings = findings_of((out / "report.html").read_text(encoding="utf-8"))
    tested = [c for c in results.comparisons if c.testable and c.p_holm is not None]
    clear = [c for c in tested if c.p_holm is not None and c.p_holm < ALPHA]
    if clear:
        assert "sannolikt inte beror på slumpen" in findings
        assert f"De övriga {len(tested) - len(clear)} jämförelserna" in findings
    else:
        assert f"Ingen av de {len(tested)} jämförelserna" in findings
    overall = results.participation.overall
    assert f"svarsfrekvensen var {percent(overall.rate)}" in findings
