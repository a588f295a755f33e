"""`make mutate`: mutation testing of the critical modules, each within a time box.

  python benchmarks/mutate.py [--minutes 20] [MODULE ...]

For each module, mutmut (2.x) plants one small bug at a time in the file (a changed operator,
constant or condition) and runs the module's own fast tests; a mutant the tests do not fail on
"survived": a bug of that kind would go unnoticed. Prints killed/survived/timeout per module and
the kill rate; benchmarks/MUTATION.md records the figures and the notable survivors.

mutmut edits the file in place while it runs (with a .bak beside it): do not edit or commit the
module under test meanwhile. The file is put back here even when the time box ends a run.
Not part of `make test` or CI: a run takes from minutes to an hour on two cores.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")

#: The critical modules and the tests that speak for them (fast: each mutant runs them all).
MODULES: dict[str, tuple[str, ...]] = {
    "survey_app/domain/tokens.py": (
        "tests/core/test_family_path.py",
        "tests/letters/test_letter_link_at_rest.py",
        "tests/messaging/test_segments_and_texts.py",
    ),
    "survey_app/domain/links.py": (
        "tests/core/test_family_path.py",
        "tests/letters/test_letter_link_at_rest.py",
        "tests/meetings/test_invitation_actions.py",
        # (these three send the SMS now, which quiet hours postpone from 21 to 08 Swedish
        # time: they fail in the evening, and mutmut needs a clean first run)
        "-k",
        "not sends",
    ),
    "survey_app/web/access.py": (
        "tests/staff/test_access_rules.py",
        "tests/staff/test_route_access.py",
        "tests/staff/test_role_route_matrix.py",
    ),
    "survey_app/staff/access.py": (
        "tests/staff/test_access_rules.py",
        "tests/staff/test_route_access.py",
        "tests/staff/test_role_route_matrix.py",
    ),
    "analysis/suppression.py": (
        "tests/analysis/test_suppression.py",
        "tests/analysis/test_disclosure.py",
    ),
}
#: At most this long for one mutant's tests (the slowest subset takes about 20 s).
MUTANT_SECONDS = 120
STATUSES = ("killed", "suspicious", "timeout", "survived", "skipped", "untested")


def _mutmut(*arguments: str) -> str:
    result = subprocess.run(
        [str(MUTMUT), *arguments], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result.stdout


def _count(status: str) -> int:
    return len(_mutmut("result-ids", status).split())


def show_survivors() -> None:
    """The diff of every mutant that survived (of the last module run)."""
    for mutant in _mutmut("result-ids", "survived").split():
        print(_mutmut("show", mutant).rstrip(), flush=True)


def mutate(module: str, tests: tuple[str, ...], minutes: float) -> dict[str, int | bool]:
    """Run mutmut on one module with a fresh cache; stop it after `minutes`."""
    path = ROOT / module
    original = path.read_bytes()
    (ROOT / ".mutmut-cache").unlink(missing_ok=True)
    pytest = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider"]
    # mutmut 2 counts only exit status 1 as a kill: a mutant that breaks an import (pytest's
    # status 2 or 4, e.g. a regular expression that no longer compiles) would "survive".
    # Its own time-out only fires when the tests print something, so a mutant that loops
    # forever in silence would hold the whole time box: `timeout` ends it (and it counts as
    # killed, as a hang is a failure any test run would notice).
    tests_run = shlex.join(["timeout", str(MUTANT_SECONDS), *pytest, "-x", "-q", *tests])
    runner = shlex.join(["sh", "-c", tests_run + " || exit 1"])
    command = [str(MUTMUT), "run", "--paths-to-mutate", module, "--runner", runner]
    command += ["--simple-output", "--no-progress"]
    # Its own process group, so that the time box also ends the pytest it is running.
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    timed_out = False
    try:
        process.wait(timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        if process.poll() is None:  # the time box, or this script was stopped
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
        if path.read_bytes() != original:
            path.write_bytes(original)
        path.with_name(path.name + ".bak").unlink(missing_ok=True)
    counts: dict[str, int | bool] = {status: _count(status) for status in STATUSES}
    counts["time_box_ended_it"] = timed_out
    return counts


def kill_rate(counts: dict[str, int | bool]) -> float | None:
    """Mutants the tests caught, out of those tested (a timeout counts as caught)."""
    caught = int(counts["killed"]) + int(counts["suspicious"]) + int(counts["timeout"])
    tested = caught + int(counts["survived"])
    return caught / tested if tested else None


def main() -> int:
    # Stopped from outside (kill PID): end mutmut and put the module back before leaving.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: all)")
    parser.add_argument("--minutes", type=float, default=20, help="time box per module")
    arguments = parser.parse_args()
    chosen = arguments.modules or list(MODULES)
    unknown = [m for m in chosen if m not in MODULES]
    if unknown:
        parser.error(f"no test subset for {unknown}; known: {', '.join(MODULES)}")
    lines = []
    for module in chosen:
        started = time.monotonic()
        counts = mutate(module, MODULES[module], arguments.minutes)
        minutes = (time.monotonic() - started) / 60
        rate = kill_rate(counts)
        shown = "n/a" if rate is None else f"{rate:.0%}"
        lines.append(
            f"{module}: kill rate {shown} — killed {counts['killed']}, "
            f"suspicious {counts['suspicious']}, timeout {counts['timeout']}, "
            f"survived {counts['survived']}, untested {counts['untested']}"
            f" ({minutes:.1f} min{', time box ended it' if counts['time_box_ended_it'] else ''})"
        )
        print(lines[-1], flush=True)
        show_survivors()
    print("\n".join(["", "== mutation kill rates ==", *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
