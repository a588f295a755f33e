"""This window against the previous one: in results.json, report.html and report.pdf, under
the same small-group rule."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

import analysis
from analysis.cli import main
from analysis.errors import DatasetError
from analysis.labels import SUPPRESSED, points
from analysis.previous import fisher_p, newcombe_interval
from analysis.results import Results
from analysis.simulate import DEFAULT_WINDOW, simulate_dataset
from analysis.stats import wilson_interval

EARLIER = dataclasses.replace(
    DEFAULT_WINDOW,
    id=4,
    name="Hösten 2025",
    opens_at="2025-09-01T00:00:00+02:00",
    closes_at="2025-11-30T23:00:00+01:00",
)
LATER = dataclasses.replace(
    DEFAULT_WINDOW,
    id=5,
    name="Hösten 2026",
    opens_at="2026-09-01T00:00:00+02:00",
    closes_at="2026-11-30T23:00:00+01:00",
)


@pytest.fixture(scope="module")
def two_windows(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Results]:
    """Two simulated windows, the later one answered more positively; both analysed."""
    root = tmp_path_factory.mktemp("windows")
    earlier = simulate_dataset(root / "earlier", 180, seed=11, window=EARLIER)
    later = simulate_dataset(root / "later", 220, seed=12, window=LATER, shift=0.6)
    analysis.run(earlier, root / "earlier-report", exports=False)
    results = analysis.run(
        later, root / "later-report", exports=False, previous=root / "earlier-report"
    )
    return root / "earlier-report", root / "later-report", results


def load(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def positives(summary: dict[str, Any], positive: list[int]) -> int:
    return sum(summary["counts"][str(v)] for v in positive)


def test_results_json_compares_every_item_both_windows_show(
    two_windows: tuple[Path, Path, Results],
) -> None:
    earlier_dir, later_dir, _ = two_windows
    before, now = load(earlier_dir), load(later_dir)
    previous = now["previous"]
    assert previous["window_id"] == EARLIER.id
    assert previous["window"]["name"] == EARLIER.name
    codebook = json.loads((later_dir.parent / "later" / "codebook.json").read_text("utf-8"))
    shown = hidden = 0
    for qkey, items in now["items"].items():
        for key, summary in items.items():
            change = previous["items"][qkey][key]
            old = before["items"][qkey][key]
            if summary["suppressed"] or old["suppressed"] or summary["all_no_answer"]:
                # The rule: a figure hidden in either window hides the difference too.
                assert change["suppressed"]
                assert change["difference"] is None
                assert change["p"] is None
                hidden += 1
                continue
            shown += 1
            positive = codebook["scales"][summary["scale"]]["positive"]
            x0, x1 = positives(old, positive), positives(summary, positive)
            assert change["positive_share"] == pytest.approx(old["positive_share"])
            assert change["ci"] == pytest.approx(list(wilson_interval(x0, old["n"])))
            assert change["difference"] == pytest.approx(
                summary["positive_share"] - old["positive_share"]
            )
            low, high = change["difference_ci"]
            assert low <= change["difference"] <= high
            assert change["p"] == pytest.approx(fisher_p((x1, summary["n"]), (x0, old["n"])))
            assert change["p"] <= change["p_adjusted"] <= 1.0
    assert shown > 10
    overall = previous["participation"]["overall"]
    assert overall["rate"] == pytest.approx(before["participation"]["overall"]["rate"])
    assert overall["difference"] == pytest.approx(
        now["participation"]["overall"]["rate"] - before["participation"]["overall"]["rate"]
    )
    # Holm over every test of the comparison.
    tests = [overall] + [c for g in previous["participation"]["by"].values() for c in g.values()]
    tests += [c for q in previous["items"].values() for c in q.values()]
    tested = sorted((c for c in tests if c["p"] is not None), key=lambda c: c["p"])
    assert previous["tests"] == len(tested)
    running = 0.0
    for rank, change in enumerate(tested):
        running = max(running, min(1.0, (len(tested) - rank) * change["p"]))
        assert change["p_adjusted"] == pytest.approx(running)


def test_a_group_hidden_in_either_window_has_no_difference(
    two_windows: tuple[Path, Path, Results],
) -> None:
    earlier_dir, later_dir, _ = two_windows
    before, now = load(earlier_dir), load(later_dir)
    by = now["previous"]["participation"]["by"]
    for breakdown, groups in by.items():
        for group, change in groups.items():
            old = before["participation"]["by"][breakdown][group]
            new = now["participation"]["by"][breakdown][group]
            if old["suppressed"] or new["suppressed"]:
                assert change["suppressed"]
                assert change["rate"] is None
                assert change["difference"] is None
            else:
                assert change["difference"] == pytest.approx(new["rate"] - old["rate"])


def test_an_item_hidden_in_the_earlier_window_stays_hidden(
    two_windows: tuple[Path, Path, Results], tmp_path: Path
) -> None:
    earlier_dir, later_dir, _ = two_windows
    data = load(earlier_dir)
    item = data["items"]["sip-guardian"]["G3"]
    for key in ("n", "no_answer", "counts", "positive_share", "ci", "median"):
        item[key] = None
    item["suppressed"] = True
    (tmp_path / "results.json").write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    results = analysis.run(
        later_dir.parent / "later", out, exports=False, previous=tmp_path / "results.json"
    )
    assert results.previous is not None
    change = results.previous.items["sip-guardian"]["G3"]
    assert change.suppressed
    assert change.difference is None
    html = (out / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="forra-perioden"') :]
    row = section[section.index('<th scope="row">G3 ') :]
    row = row[: row.index("</tr>")]
    assert SUPPRESSED in row
    assert "procentenheter" not in row


def test_the_report_shows_the_comparison_in_html_and_pdf(
    two_windows: tuple[Path, Path, Results],
) -> None:
    _, later_dir, results = two_windows
    assert results.previous is not None
    html = (later_dir / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="forra-perioden"' in html
    assert "Jämfört med förra perioden" in html
    assert (later_dir / "charts" / "previous.svg").is_file()
    assert 'id="previous-title"' in html
    overall = results.previous.participation.overall
    document = pdfium.PdfDocument(later_dir / "report.pdf")
    text = " ".join(
        " ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))
    )
    assert "Jämfört med förra perioden" in text
    assert EARLIER.name in text
    assert " ".join(points(overall.difference).split()) in text.replace("\u00a0", " ")
    for qkey, changes in results.previous.items.items():
        for key, change in changes.items():
            if not change.suppressed and results.items[qkey][key].dimension != "filter":
                assert points(change.difference) in html


def test_the_earlier_window_must_be_another_with_at_least_the_same_k(
    two_windows: tuple[Path, Path, Results], tmp_path: Path
) -> None:
    earlier_dir, later_dir, _ = two_windows
    dataset = later_dir.parent / "later"
    with pytest.raises(DatasetError, match="same window"):
        analysis.run(dataset, tmp_path / "a", exports=False, previous=later_dir)
    data = load(earlier_dir)
    data["min_group_size"] = 3
    (tmp_path / "results.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DatasetError, match="minimum group size 3"):
        analysis.run(dataset, tmp_path / "b", exports=False, previous=tmp_path / "results.json")


def test_the_command_takes_the_earlier_results(
    two_windows: tuple[Path, Path, Results], tmp_path: Path
) -> None:
    earlier_dir, later_dir, _ = two_windows
    code = main(
        [
            str(later_dir.parent / "later"),
            "--out",
            str(tmp_path),
            "--no-exports",
            "--quiet",
            "--previous",
            str(earlier_dir / "results.json"),
        ]
    )
    assert code == 0
    assert load(tmp_path)["previous"]["window_id"] == EARLIER.id


def test_newcombe_interval_holds_the_difference_and_stays_in_range() -> None:
    for now, before in (((0, 5), (5, 5)), ((3, 10), (7, 12)), ((50, 100), (50, 100))):
        difference, (low, high) = newcombe_interval(now, before)
        assert -1.0 <= low <= difference <= high <= 1.0


def test_the_report_with_a_comparison_passes_axe_and_pdf_checks(
    two_windows: tuple[Path, Path, Results], browser: Any
) -> None:
    import pikepdf
    from axe_playwright_python.sync_playwright import Axe

    _, later_dir, _ = two_windows
    page = browser.new_page()
    try:
        page.goto((later_dir / "report.html").as_uri())
        result = Axe().run(page)
        assert result.violations_count == 0, result.generate_report()
    finally:
        page.close()
    charts = json.loads((later_dir / "charts" / "charts.json").read_text(encoding="utf-8"))
    expected = f"{charts['previous.svg']['title']}. {charts['previous.svg']['description']}"
    with pikepdf.open(later_dir / "report.pdf") as pdf:
        alts = []

        def walk(node: Any) -> None:
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                if kids is not None:
                    walk(kids)
            elif isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert expected in alts
