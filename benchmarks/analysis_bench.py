"""How long analysis.run takes on simulated data sets, per stage (median of several runs), and
how much memory it needs.

    .venv/bin/python benchmarks/analysis_bench.py [--sizes 400 20000] [--runs 3]
        [--no-exports] [--write]

Data sets come from analysis.simulate_dataset (same spread as the tests and the demo) and are
generated once per size, outside the timing, with an earlier window analysed beside them, so
each report carries the comparison with the previous window as a real one would. Each run
calls analysis.run into a fresh folder in a fresh process (so the peak resident memory of
that process is the run's own: imports, data set, figures, charts, the PDF layout); the
progress callback marks when each stage starts, so the stages add up to the whole call.
Wall time and process CPU time are both reported: on a shared machine the wall time says
what a user waits, the CPU time what the work costs. --write puts the table into
benchmarks/ANALYSIS.md between the analysis markers.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analysis  # noqa: E402
import analysis.simulate  # noqa: E402

STAGES = ("load", "compute", "charts", "report", "exports")
MARK_START = "<!-- analysis-bench:start -->"
MARK_END = "<!-- analysis-bench:end -->"
COMMAND = ".venv/bin/python benchmarks/analysis_bench.py --sizes 400 20000 --runs 3 --write"

Timings = dict[str, tuple[float, float]]


def _child(dataset: Path, out: Path, exports: bool, previous: Path | None, queue: Any) -> None:
    timings = timed_run(dataset, out, exports, previous)
    # ru_maxrss is in KiB on Linux: the peak resident memory of this process.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((timings, peak))


def isolated_run(
    dataset: Path, out: Path, exports: bool, previous: Path | None
) -> tuple[Timings, float]:
    """timed_run in a fresh process: (timings, peak resident memory in MiB)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(dataset, out, exports, previous, queue))
    process.start()
    result: tuple[Timings, float] = queue.get()
    process.join()
    return result


def timed_run(dataset: Path, out: Path, exports: bool, previous: Path | None = None) -> Timings:
    """One analysis.run: (wall, cpu) seconds per stage, and for the whole call."""
    marks: list[tuple[str, float, float]] = []

    def progress(stage: str, _fraction: float) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter(), time.process_time()))

    start = (time.perf_counter(), time.process_time())
    analysis.run(dataset, out, progress=progress, exports=exports, previous=previous)
    end = (time.perf_counter(), time.process_time())
    timings: Timings = {}
    for (stage, wall, cpu), (_, next_wall, next_cpu) in itertools.pairwise(marks):
        timings[stage] = (next_wall - wall, next_cpu - cpu)
    timings["total"] = (end[0] - start[0], end[1] - start[1])
    return timings


def median_of(runs: list[Timings], key: str) -> tuple[float, float] | None:
    present = [run[key] for run in runs if key in run]
    if not present:
        return None
    return (statistics.median(w for w, _ in present), statistics.median(c for _, c in present))


def table(
    results: dict[int, list[Timings]], responses_rows: dict[int, int], peaks: dict[int, list[float]]
) -> str:
    columns = [*STAGES, "total"]
    lines = [
        "| responses (answer rows) | runs | " + " | ".join(columns) + " | peak memory |",
        "|---|---|" + "---|" * len(columns) + "---|",
    ]
    for size, runs in results.items():
        cells = []
        for key in columns:
            median = median_of(runs, key)
            cells.append("–" if median is None else f"{median[0]:.2f} s ({median[1]:.2f} s)")
        peak = f"{max(peaks[size]):.0f} MiB"
        lines.append(
            f"| {size:,} ({responses_rows[size]:,}) | {len(runs)} | "
            + " | ".join(cells)
            + f" | {peak} |"
        )
    return "\n".join(lines)


def write_section(text: str) -> Path:
    path = ROOT / "benchmarks" / "ANALYSIS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    section = f"{MARK_START}\n{text}\n{MARK_END}"
    if MARK_START in current and MARK_END in current:
        before = current.split(MARK_START)[0]
        after = current.split(MARK_END, 1)[1]
        current = before + section + after
    else:
        current = (current.rstrip() + "\n\n" if current.strip() else "") + section + "\n"
    path.write_text(current, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 20_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--write", action="store_true", help="update benchmarks/ANALYSIS.md")
    args = parser.parse_args()

    results: dict[int, list[Timings]] = {}
    rows: dict[int, int] = {}
    peaks: dict[int, list[float]] = {}
    earlier_window = dataclasses.replace(analysis.simulate.DEFAULT_WINDOW, id=0, name="Förra")
    with tempfile.TemporaryDirectory(prefix="analysis-bench-") as scratch:
        for size in args.sizes:
            earlier = analysis.simulate_dataset(
                Path(scratch) / f"earlier-{size}", size, seed=2, window=earlier_window
            )
            previous = Path(scratch) / f"earlier-out-{size}"
            analysis.run(earlier, previous, exports=False)
            dataset = analysis.simulate_dataset(Path(scratch) / f"data-{size}", size, seed=1)
            with (dataset / "responses.csv").open("rb") as handle:
                rows[size] = sum(1 for _ in handle) - 1
            results[size] = []
            peaks[size] = []
            for run in range(args.runs):
                timings, peak = isolated_run(
                    dataset, Path(scratch) / f"out-{size}-{run}", not args.no_exports, previous
                )
                results[size].append(timings)
                peaks[size].append(peak)
                summary = ", ".join(f"{k} {w:.2f}/{c:.2f}" for k, (w, c) in timings.items())
                print(f"{size:>7} run {run + 1}: {summary}, peak {peak:.0f} MiB", file=sys.stderr)

    load = os.getloadavg()[0]
    text = "\n".join(
        [
            "## analysis.run (the analysis package)",
            "",
            "What is measured: `analysis.run` on folders made by `analysis.simulate_dataset`, from",
            "reading the CSV files to the last export; each stage from the progress callback.",
            "Median wall time per stage, with process CPU time in brackets. `report` is HTML, PDF",
            "(WeasyPrint, tagged PDF/UA-1) and free_text.csv; `exports` is responses.sav and",
            "dataset.xlsx. Each run compares with an earlier simulated window of the same size.",
            "Peak memory: the largest peak resident set of the runs, each in a process of its own.",
            "",
            "```sh",
            COMMAND,
            "```",
            "",
            f"Measured {dt.datetime.now(dt.UTC).date().isoformat()} on {os.cpu_count()} vCPU, "
            f"load average {load:.1f} at the end of the run"
            + (", without exports" if args.no_exports else "")
            + ".",
            "",
            table(results, rows, peaks),
        ]
    )
    print(text)
    if args.write:
        print(f"wrote {write_section(text)}", file=sys.stderr)


if __name__ == "__main__":
    main()
