"""analysis.run: load, compute, draw, report and export, with progress reporting."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis.charts import Chart, render_charts
from analysis.compute import FREE_TEXT_FILE, compute_results
from analysis.contract import CHARTS_INDEX
from analysis.dataset import load_dataset
from analysis.errors import DatasetError
from analysis.exports import SAV_FILE, XLSX_FILE, write_free_text, write_sav, write_xlsx
from analysis.previous import compare_previous
from analysis.report_content import build_report
from analysis.report_html import write_html
from analysis.report_pdf import write_pdf
from analysis.results import Results

Progress = Callable[[str, float], None]
"""Called with a stage name and the overall fraction done (0.0 to 1.0)."""

RESULTS_FILE = "results.json"
HTML_FILE = "report.html"
PDF_FILE = "report.pdf"
CHARTS_DIR = "charts"
# Rough share of the total time per stage, so the fraction moves evenly on large data sets.
STAGES = {"load": 0.3, "compute": 0.05, "charts": 0.1, "report": 0.1, "exports": 0.45}


class _Tracker:
    """Turns stage changes and within-stage progress into one overall fraction."""

    def __init__(self, callback: Progress | None, stages: dict[str, float]) -> None:
        self.callback = callback
        total = sum(stages.values())
        self.weights = {name: weight / total for name, weight in stages.items()}
        self.stage = ""
        self.start = 0.0

    def begin(self, stage: str) -> None:
        if self.stage:
            self.start += self.weights[self.stage]
        self.stage = stage
        self.report(0.0)

    def report(self, within: float) -> None:
        if self.callback is not None:
            weight = self.weights[self.stage]
            self.callback(self.stage, min(1.0, self.start + weight * min(max(within, 0.0), 1.0)))

    def finish(self) -> None:
        if self.callback is not None:
            self.callback("done", 1.0)


def _write_charts(charts: list[Chart], folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    # A rerun into the same folder must not leave charts of an earlier data set behind.
    for old in folder.glob("*.svg"):
        old.unlink()
    for chart in charts:
        (folder / f"{chart.key}.svg").write_text(chart.standalone_svg, encoding="utf-8")
    # Text alternatives for pages that show the charts as images (the figures they show).
    index = {
        f"{chart.key}.svg": {"title": chart.title, "description": chart.description}
        for chart in charts
    }
    (folder / CHARTS_INDEX).write_text(
        json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def read_previous(path: Path) -> dict[str, Any]:
    """An earlier window's results.json (the file, or the report folder holding it)."""
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"{path}: the earlier window's results.json is missing") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise DatasetError(f"{path}: not a results.json")
    return data


def run(
    dataset_dir: Path,
    out_dir: Path,
    *,
    min_group_size: int = 5,
    progress: Progress | None = None,
    exports: bool = True,
    previous: Path | None = None,
) -> Results:
    """Analyse a data set folder and write results.json, the reports and the exports.

    `previous`: an earlier window's results.json (or its report folder) to compare with.
    Raises DatasetError when the data set does not follow the contract (see README.md).
    """
    earlier = read_previous(previous) if previous is not None else None
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    stages = dict(STAGES) if exports else {k: v for k, v in STAGES.items() if k != "exports"}
    tracker = _Tracker(progress, stages)
    tracker.begin("load")
    dataset = load_dataset(
        Path(dataset_dir), progress=lambda done, total: tracker.report(done / max(total, 1))
    )
    tracker.begin("compute")
    results = compute_results(dataset, min_group_size)
    if earlier is not None and not results.empty:
        results.previous = compare_previous(results, earlier, dataset.codebook)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results.write(out / RESULTS_FILE)
    tracker.begin("charts")
    charts = render_charts(results, dataset.codebook)
    _write_charts(charts, out / CHARTS_DIR)
    tracker.begin("report")
    report = build_report(results, dataset.codebook, charts)
    write_html(report, out / HTML_FILE)
    tracker.report(0.3)
    write_pdf(report, out / PDF_FILE)
    # Free text never goes into the reports, only to this file for analysts.
    write_free_text(dataset, out / FREE_TEXT_FILE)
    if exports:
        tracker.begin("exports")
        # Beside the reports, not in the data set folder, which holds only the input files.
        write_sav(dataset, out / SAV_FILE)
        tracker.report(0.05)
        write_xlsx(
            dataset,
            out / XLSX_FILE,
            progress=lambda done, total: tracker.report(0.05 + 0.95 * done / total),
        )
    tracker.finish()
    return results
