"""The report names its window, and a report of an open window says on every page that it is
preliminary."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import analysis
from analysis.report_html import PRELIMINARY
from analysis.simulate import DEFAULT_WINDOW, simulate_dataset


def page_texts(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [
        " ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))
    ]


@pytest.fixture(scope="module")
def preliminary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    window = dataclasses.replace(DEFAULT_WINDOW, id=12, name="Våren 2027", status="preliminary")
    folder = simulate_dataset(tmp_path_factory.mktemp("open"), 60, seed=3, window=window)
    out = tmp_path_factory.mktemp("open-report")
    analysis.run(folder, out, exports=False)
    return out


def test_a_preliminary_report_says_so_on_every_page(preliminary: Path) -> None:
    texts = page_texts(preliminary / "report.pdf")
    assert len(texts) > 2
    words = " ".join(PRELIMINARY.split())
    for number, text in enumerate(texts, start=1):
        assert words in text, f"page {number}"
    html = (preliminary / "report.html").read_text(encoding="utf-8")
    assert PRELIMINARY in html
    assert "Våren 2027" in html
    assert "Insamlingsfönster 12" in html


def test_a_final_report_names_its_window_and_is_not_preliminary(
    analysed: tuple[Path, analysis.Results],
) -> None:
    out, results = analysed
    assert results.window == DEFAULT_WINDOW
    texts = page_texts(out / "report.pdf")
    assert DEFAULT_WINDOW.name in texts[0]
    assert "(slutlig)" in texts[0]
    assert all("Preliminär" not in text for text in texts)
    assert PRELIMINARY not in (out / "report.html").read_text(encoding="utf-8")
