"""Command line: python -m analysis DATASET_DIR --out DIR."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from analysis.errors import DatasetError
from analysis.pipeline import run

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
_STAGE_LABELS = {
    "load": "läser data",
    "compute": "beräknar",
    "charts": "ritar diagram",
    "report": "skriver rapporter",
    "exports": "exporterar XLSX och SPSS",
    "done": "klart",
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error on one line (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


class ProgressPrinter:
    """A progress bar on a terminal, or one line per stage when stderr is a file or pipe."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.stage = ""

    def __call__(self, stage: str, fraction: float) -> None:
        label = _STAGE_LABELS.get(stage, stage)
        if self.tty:
            filled = int(fraction * 30)
            bar = "#" * filled + "." * (30 - filled)
            end = "\n" if stage == "done" else ""
            self.stream.write(f"\r[{bar}] {fraction * 100:3.0f} % {label:<28}{end}")
            self.stream.flush()
        elif stage != self.stage:
            self.stream.write(f"analysis: {label} ({fraction * 100:.0f} %)\n")
            self.stream.flush()
        self.stage = stage


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m analysis",
        description="Analyse a SIP follow-up data set folder and write results.json, "
        "report.html, report.pdf, free_text.csv and data/ exports.",
    )
    parser.add_argument(
        "dataset",
        type=Path,
        metavar="DATASET_DIR",
        help="folder with responses.csv, invitations.csv and codebook.json",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder to write the results to (created if missing)",
    )
    parser.add_argument(
        "--min-group-size",
        type=int,
        default=5,
        metavar="N",
        help="smallest group whose figures are shown (default 5)",
    )
    parser.add_argument(
        "--no-exports",
        action="store_true",
        help="skip the XLSX and SPSS exports (slow on very large data sets)",
    )
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="RESULTS",
        help="an earlier window's results.json (or its report folder) to compare with",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.min_group_size < 1:
        parser.error("--min-group-size must be at least 1")
    progress = None if args.quiet else ProgressPrinter(sys.stderr)
    try:
        results = run(
            args.dataset,
            args.out,
            min_group_size=args.min_group_size,
            progress=progress,
            exports=not args.no_exports,
            previous=args.previous,
        )
    except DatasetError as exc:
        print(f"analysis: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"analysis: error: cannot write results: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        print(
            f"analysis: wrote {args.out} ({results.generated_from.responses} responses)",
            file=sys.stderr,
        )
    return EXIT_OK
