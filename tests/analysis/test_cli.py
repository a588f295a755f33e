"""python -m analysis: exit codes, one-line errors, progress, same results as the API."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import EXIT_BAD_INPUT, EXIT_FAILED, ProgressPrinter, main
from analysis.results import Results

from .builders import Response, invitation, write_dataset

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def exit_code_of(args: list[str]) -> int | str | None:
    """main's return value, or the code argparse exits with."""
    try:
        return main(args)
    except SystemExit as exited:
        return exited.code


def test_the_library_imports_neither_flask_nor_the_web_service() -> None:
    code = (
        "import sys, pkgutil, importlib, analysis\n"
        "for m in pkgutil.iter_modules(analysis.__path__):\n"
        "    if m.name != '__main__':\n"
        "        importlib.import_module('analysis.' + m.name)\n"
        "print('flask' in sys.modules, 'survey_app' in sys.modules,\n"
        "      'matplotlib.pyplot' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    # Charts use matplotlib's object API only, never pyplot and its global state.
    assert result.stdout.split() == ["False", "False", "False"]


def test_command_and_api_give_identical_results(
    simulated: Path, analysed: tuple[Path, Results], tmp_path: Path
) -> None:
    result = run_cli(str(simulated), "--out", str(tmp_path), "--no-exports")
    assert result.returncode == 0, result.stderr
    for name in ("results.json", "report.html", "free_text.csv"):
        assert (tmp_path / name).read_bytes() == (analysed[0] / name).read_bytes(), name
    # Not a terminal: one plain line per stage, no carriage returns.
    lines = result.stderr.splitlines()
    assert lines[0] == "analysis: läser data (0 %)"
    assert "\r" not in result.stderr
    assert lines[-1].startswith("analysis: wrote")


def test_bad_data_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_dataset(tmp_path, [Response({"G0": 3, "G3": 7})], [invitation()])
    assert main([str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.err == (
        "analysis: error: responses.csv, row 3, column value: 7 is not on "
        "scale agree4 (1–4) for item G3\n"
    )
    assert captured.out == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/folder", "--out", "x"], "/nonexistent/folder: not a folder"),
        (["somewhere"], "the following arguments are required: --out"),
        (["somewhere", "--out", "x", "--min-group-size", "0"], "must be at least 1"),
        (["somewhere", "--out", "x", "--min-group-size", "five"], "invalid int value"),
    ],
    ids=["missing folder", "no --out", "group size 0", "group size not a number"],
)
def test_bad_arguments_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_code_of(args) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error" in line]
    assert len(errors) == 1
    assert message in errors[0]
    assert "Traceback" not in err


def test_an_unwritable_output_folder_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_dataset(tmp_path / "data", [], [])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main([str(folder), "--out", str(blocker / "out"), "--quiet"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("analysis: error: cannot write results:")
    assert err.count("\n") == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal() -> None:
    stream = _Terminal()
    printer = ProgressPrinter(stream)
    for stage, fraction in (("load", 0.0), ("load", 0.2), ("charts", 0.5), ("done", 1.0)):
        printer(stage, fraction)
    output = stream.getvalue()
    assert output.count("\r") == 4
    assert "[######" in output
    assert output.endswith("100 % klart                       \n")


def test_progress_is_one_line_per_stage_elsewhere() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream)
    for stage, fraction in (("load", 0.0), ("load", 0.2), ("charts", 0.5), ("done", 1.0)):
        printer(stage, fraction)
    assert stream.getvalue().splitlines() == [
        "analysis: läser data (0 %)",
        "analysis: ritar diagram (50 %)",
        "analysis: klart (100 %)",
    ]


def test_the_api_reports_progress_in_order(tmp_path: Path) -> None:
    import analysis

    calls: list[tuple[str, float]] = []
    # No responses yet: every stage still reports, without the cost of drawing charts.
    folder = write_dataset(tmp_path / "data", [], [invitation()])
    analysis.run(folder, tmp_path / "out", progress=lambda s, f: calls.append((s, f)))
    stages = list(dict.fromkeys(stage for stage, _ in calls))
    assert stages == ["load", "compute", "charts", "report", "exports", "done"]
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
