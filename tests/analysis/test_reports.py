"""report.html, report.pdf, charts and free_text.csv: written, self-contained, suppressed."""

from __future__ import annotations

import csv
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import analysis
from analysis.charts import area_rate_figure, item_figure, parallel_figure, to_svg
from analysis.compute import compute_results
from analysis.dataset import load_dataset
from analysis.exports import FREE_TEXT_WARNING
from analysis.labels import NO_VALUE, SUPPRESSED, percent
from analysis.results import Results

from .builders import Response, group, invitation, write_dataset


def pdf_pages(path: Path) -> int:
    return len(pdfium.PdfDocument(path))


def free_texts(out: Path) -> list[str]:
    with (out / "free_text.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return [row[-1] for row in rows[2:]]


@pytest.fixture(scope="module")
def html(analysed: tuple[Path, Results]) -> str:
    return (analysed[0] / "report.html").read_text(encoding="utf-8")


def test_every_output_is_written(analysed: tuple[Path, Results]) -> None:
    out, results = analysed
    for name in (
        "results.json",
        "report.html",
        "report.pdf",
        "free_text.csv",
        "dataset.xlsx",
        "responses.sav",
    ):
        assert (out / name).is_file(), name
    assert (out / "results.json").read_text(encoding="utf-8") == results.to_json()


def test_html_is_swedish_and_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in html
    assert "<style>" in html
    # No external requests of any kind: no URL at all, no linked files or scripts.
    assert "http://" not in html
    assert "https://" not in html
    assert not re.search(r"<(link|script|img|iframe)\b", html)
    assert not re.search(r"\bsrc=", html)
    assert "@import" not in html
    assert html.count("<svg") == 7


def test_html_tables_have_captions_and_scoped_headers(html: str) -> None:
    tables = re.findall(r"<table>.*?</table>", html, flags=re.DOTALL)
    assert len(tables) > 8
    for table in tables:
        assert "<caption" in table
        assert '<th scope="col"' in table
        assert '<th scope="row"' in table
        assert "<th>" not in table


def test_html_ids_are_unique(html: str) -> None:
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_the_report_shows_the_figures_of_the_results(
    html: str, analysed: tuple[Path, Results]
) -> None:
    _, results = analysed
    assert percent(results.participation.overall.rate) in html
    municipalities = results.participation.by["municipality"]
    # The release merged the small municipalities: their row is "Övriga kommuner i …".
    generalised = [m for m in municipalities if m.endswith("/*")]
    assert generalised, "the simulated data set should have generalised municipalities"
    for key in generalised:
        assert f"Övriga kommuner i {key.removesuffix('/*')}" in html
    for municipality, figures in municipalities.items():
        if figures.suppressed:
            row = re.search(rf'<th scope="row">{re.escape(municipality)}</th>(.*?)</tr>', html)
            assert row is not None
            assert SUPPRESSED in row.group(1)
            assert re.search(r"\d", row.group(1)) is None


def test_free_text_goes_to_its_own_file_not_to_the_report(
    html: str, analysed: tuple[Path, Results]
) -> None:
    out, _ = analysed
    lines = (out / "free_text.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == FREE_TEXT_WARNING
    assert lines[1].startswith("response_id,questionnaire")
    texts = free_texts(out)
    assert len(texts) > 5
    for text in texts:
        assert text not in html
        assert text.lstrip("'") not in html
    # Texts that would start a spreadsheet formula are neutralised again in the CSV.
    assert all(not t.startswith(("=", "+", "-", "@")) for t in texts)


def test_pdf_is_a4_with_a_title_page_and_page_numbers(analysed: tuple[Path, Results]) -> None:
    pdf = analysed[0] / "report.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert pdf_pages(pdf) >= 6
    document = pdfium.PdfDocument(pdf)
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    # The title page has no number; every other page says "Sida n av m".
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    assert "Sida" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert f"Sida {number} av {len(texts)}" in text


def test_chart_files_are_standalone_svg(analysed: tuple[Path, Results]) -> None:
    charts = sorted(p.name for p in (analysed[0] / "charts").glob("*.svg"))
    assert charts == [
        "areas.svg",
        "child_attended.svg",
        "funnel.svg",
        "items-sip-child.svg",
        "items-sip-guardian.svg",
        "items-sip-youth.svg",
        "parallel.svg",
    ]
    for name in charts:
        # Our own freshly written file, not untrusted input.
        root = ET.parse(analysed[0] / "charts" / name).getroot()  # noqa: S314
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None


@pytest.fixture(scope="module")
def small_groups(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("small")
    parts = [
        group(4, "Södra Lappland", "Malå", answers={"G0": 3, "G2": 2}),
        group(30, answers={"G0": 3, "G2": 4}),
        group(8, "Skellefteå/Norsjö", "Skellefteå", answers={"G0": 3, "G2": 3}),
        group(3, role="child", answers={"C2": 3}),
        group(12, role="youth", answers={"Y2": 3}),
    ]
    responses = [r for rs, _ in parts for r in rs]
    invitations = [i for _, inv in parts for i in inv]
    return compute_results(load_dataset(write_dataset(folder, responses, invitations)))


def test_suppressed_groups_are_drawn_as_text_not_bars(small_groups: Results) -> None:
    svg = to_svg(area_rate_figure(small_groups), "areas", "t", "d")
    assert svg.count(SUPPRESSED) == 2  # Södra Lappland and its complement
    # Bars are drawn for the overall figure (dark blue) and the one shown area (light blue).
    assert svg.count("fill: #2166ac") == 1
    assert svg.count("fill: #67a9cf") == 1


def test_suppressed_roles_are_text_in_the_parallel_chart(small_groups: Results) -> None:
    svg = to_svg(parallel_figure(small_groups), "parallel", "t", "d")  # type: ignore[arg-type]
    # Only voice (G2, C2, Y2) has answers: three children are hidden there, and every role
    # is hidden on the other three parallel items.
    assert svg.count(SUPPRESSED) == 1 + 3 * 3


def test_item_chart_of_a_questionnaire_with_only_hidden_items(
    small_groups: Results, tmp_path: Path
) -> None:
    codebook = load_dataset(write_dataset(tmp_path, [], [])).codebook
    figure = item_figure(small_groups, codebook, "sip-child")
    assert figure is not None
    assert to_svg(figure, "c", "t", "d").count(SUPPRESSED) == 7


@pytest.mark.parametrize(
    ("responses", "invitations"),
    [([], []), ([], [invitation()]), ([Response({"G0": 3})], [])],
    ids=["nothing", "invitations only", "responses only"],
)
def test_an_empty_data_set_gives_a_report_that_says_so(
    tmp_path: Path, responses: list[Response], invitations: list[list[str]]
) -> None:
    folder = write_dataset(tmp_path / "data", responses, invitations)
    results = analysis.run(folder, tmp_path / "out", exports=False)
    assert results.empty
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Det finns inget att rapportera ännu." in html
    # The key findings page is there too, saying just that.
    assert 'id="viktigaste"' in html
    assert "<svg" not in html
    assert pdf_pages(tmp_path / "out" / "report.pdf") == 2


def test_one_response_with_items_nobody_answered(tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "data", [Response({"G0": 1, "G11": None, "G12": ""})], [invitation()]
    )
    results = analysis.run(folder, tmp_path / "out", exports=False)
    assert not results.empty
    assert results.participation.overall.suppressed
    assert all(i.suppressed for i in results.items["sip-guardian"].values())
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "för få" in html
    assert pdf_pages(tmp_path / "out" / "report.pdf") >= 2


def intervals(data: object) -> list[list[float]]:
    """Every "ci" in a results.json tree."""
    found: list[list[float]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "ci" and value is not None:
                found.append(value)
            else:
                found += intervals(value)
    elif isinstance(data, list):
        for value in data:
            found += intervals(value)
    return found


def test_no_interval_anywhere_leaves_zero_to_one(analysed: tuple[Path, Results]) -> None:
    data = json.loads((analysed[0] / "results.json").read_text(encoding="utf-8"))
    found = intervals(data)
    assert len(found) > 30
    assert all(0.0 <= low <= high <= 1.0 for low, high in found)


def test_medians_are_answer_categories_never_half_points(
    html: str, analysed: tuple[Path, Results]
) -> None:
    _, results = analysed
    for items in results.items.values():
        for summary in items.values():
            assert summary.median is None or isinstance(summary.median, int)
    assert not re.search(r"<td[^>]*>\d,5</td>", html)
    assert "<td>Ja, helt</td>" in html


def test_untestable_comparisons_are_one_sentence_not_rows(
    html: str, analysed: tuple[Path, Results]
) -> None:
    _, results = analysed
    assert "ej testbar" not in html
    left_out = [c for c in results.comparisons if not c.testable]
    if left_out:
        assert f"{len(left_out)} jämförelser kunde inte göras" in html


def test_the_method_section_names_the_rule_the_intervals_and_the_dependence(html: str) -> None:
    assert "Wilson" in html
    assert "inte oberoende" in html
    assert "tills ingen dold siffra och ingen summa av dolda siffror" in html
    assert "gemensamma skalan" in html


def test_charts_carry_their_figures_as_text(html: str, analysed: tuple[Path, Results]) -> None:
    out, results = analysed
    index = json.loads((out / "charts" / "charts.json").read_text(encoding="utf-8"))
    assert set(index) == {path.name for path in (out / "charts").glob("*.svg")}
    overall = percent(results.participation.overall.rate)
    assert overall in index["areas.svg"]["description"]
    assert (
        overall in index["funnel.svg"]["description"]
        or "Inbjudna" in index["funnel.svg"]["description"]
    )
    for entry in index.values():
        assert re.search(r"\d|" + SUPPRESSED, entry["description"])
    # The report's inline charts are described by the same text.
    for desc in re.findall(r'<desc id="[^"]+">(.*?)</desc>', html):
        assert re.search(r"\d", desc)


def test_everyone_choosing_vet_inte_is_not_called_too_few(tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "data",
        [Response({"G0": 3, "G2": None}) for _ in range(12)],
        [invitation() for _ in range(12)],
    )
    results = analysis.run(folder, tmp_path / "out", exports=False)
    item = results.items["sip-guardian"]["G2"]
    assert not item.suppressed
    assert item.all_no_answer
    assert item.no_answer == 12
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    row = re.search(r'<th scope="row">G2 [^<]*</th>(.*?)</tr>', html)
    assert row is not None
    assert "alla svarade Vet inte" in row.group(1)
    assert SUPPRESSED not in row.group(1)


def test_the_report_shows_what_results_json_shows_and_nothing_it_hides(
    small_groups: Results,
) -> None:
    from analysis.report_content import Table, build_report

    codebook = load_dataset(write_dataset(Path(tempfile.mkdtemp()), [], [])).codebook
    report = build_report(small_groups, codebook, [])
    tables = {b.caption: b for b in report.blocks if isinstance(b, Table)}
    roles = tables["Svarsfrekvens per roll"]
    for row in roles.rows:
        name = row[0]
        role = {"Barn 6–11 år": "child", "Unga 12–18 år": "youth", "Vårdnadshavare": "guardian"}
        if name in role:
            figures = small_groups.participation.by["role"][role[name]]
            if figures.suppressed:
                assert row[1:] == [NO_VALUE, NO_VALUE, SUPPRESSED, NO_VALUE]
            else:
                assert row[1] == str(figures.invited)
