"""How long analysis.run takes on simulated data sets, per stage (median of several runs).

    .venv/bin/python benchmarks/analysis_bench.py [--sizes 1000 100000] [--runs 3]
        [--no-exports] [--write]

Data sets come from analysis.simulate_dataset (same spread as the tests and the demo) and are
generated once per size, outside the timing. Each run calls analysis.run into a fresh folder;
the progress callback marks when each stage starts, so the stages add up to the whole call.
Wall time and process CPU time are both reported: on a shared machine the wall time says
what a user waits, the CPU time what the work costs. --write puts the table into
benchmarks/ANALYSIS.md between the analysis markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analysis  # noqa: E402

STAGES = ("load", "compute", "charts", "report", "exports")
MARK_START = "<!-- analysis-bench:start -->"
MARK_END = "<!-- analysis-bench:end -->"
COMMAND = ".venv/bin/python benchmarks/analysis_bench.py --sizes 1000 100000 --runs 3 --write"

Timings = dict[str, tuple[float, float]]


def timed_run(dataset: Path, out: Path, exports: bool) -> Timings:
    """One analysis.run: (wall, cpu) seconds per stage, and for the whole call."""
    marks: list[tuple[str, float, float]] = []

    def progress(stage: str, _fraction: float) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter(), time.process_time()))

    start = (time.perf_counter(), time.process_time())
    analysis.run(dataset, out, progress=progress, exports=exports)
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


def table(results: dict[int, list[Timings]], responses_rows: dict[int, int]) -> str:
    columns = [*STAGES, "total"]
    lines = [
        "| responses (answer rows) | runs | " + " | ".join(columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for size, runs in results.items():
        cells = []
        for key in columns:
            median = median_of(runs, key)
            cells.append("–" if median is None else f"{median[0]:.2f} s ({median[1]:.2f} s)")
        lines.append(
            f"| {size:,} ({responses_rows[size]:,}) | {len(runs)} | " + " | ".join(cells) + " |"
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--write", action="store_true", help="update benchmarks/ANALYSIS.md")
    args = parser.parse_args()

    results: dict[int, list[Timings]] = {}
    rows: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="analysis-bench-") as scratch:
        for size in args.sizes:
            dataset = analysis.simulate_dataset(Path(scratch) / f"data-{size}", size, seed=1)
            with (dataset / "responses.csv").open("rb") as handle:
                rows[size] = sum(1 for _ in handle) - 1
            results[size] = []
            for run in range(args.runs):
                timings = timed_run(
                    dataset, Path(scratch) / f"out-{size}-{run}", not args.no_exports
                )
                results[size].append(timings)
                summary = ", ".join(f"{k} {w:.2f}/{c:.2f}" for k, (w, c) in timings.items())
                print(f"{size:>7} run {run + 1}: {summary}", file=sys.stderr)

    load = os.getloadavg()[0]
    text = "\n".join(
        [
            "## analysis.run (the analysis package)",
            "",
            "What is measured: `analysis.run` on folders made by `analysis.simulate_dataset`, from",
            "reading the CSV files to the last export; each stage from the progress callback.",
            "Median wall time per stage, with process CPU time in brackets. `report` is HTML, PDF",
            "and free_text.csv; `exports` is responses.sav and dataset.xlsx.",
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
            table(results, rows),
        ]
    )
    print(text)
    if args.write:
        print(f"wrote {write_section(text)}", file=sys.stderr)


if __name__ == "__main__":
    main()
