"""Server CPU time in-process (Flask test client, production settings, SQLite or PostgreSQL): less
sensitive to a noisy machine than wall-clock load tests, and it says what one core can do.

  python benchmarks/cpu_per_page.py [--respondents 30] [--runs 5] [--profile [link|respondent]]
                                    [--postgres SERVER_URL]

On PostgreSQL the figure is this process's CPU only (the driver included, the server's own
backend not: load_family_path.py counts that).

The headline is what a family experiences: a fresh link to the first question (every request
that takes, redirects followed) and a complete respondent, walked as a phone with the page's
script walks it (benchmarks.common.walk reads each page's form, so any version of the service
is measured by the same walk). The replay of one started respondent's first question page is
kept as a secondary micro-benchmark. --profile prints a cProfile of fresh links.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    GZIP,
    IN_PROCESS_ENVIRONMENT,
    fresh_postgres_database,
    machine,
    next_post,
    postgres_round_trips,
    prepare_database,
    walk,
)
from survey_app import create_app


def _timed(units: int, one: Any) -> tuple[float, list[Any]]:
    """CPU seconds per unit over `units` calls of `one`, and what each call returned."""
    started = time.process_time()
    outcomes = [one() for _ in range(units)]
    return (time.process_time() - started) / units, outcomes


def run(
    respondents: int, runs: int, profile: str | None, postgres: str | None = None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sip-cpu-") as scratch:
        if postgres:
            url = fresh_postgres_database(postgres, "sip_cpu_bench")
        else:
            url = f"sqlite:///{Path(scratch) / 'cpu.sqlite3'}"
        tokens = prepare_database(url, (runs + 1) * respondents * 2 + 60)
        app = create_app({**IN_PROCESS_ENVIRONMENT, "SURVEY_DATABASE_URL": url})
        gc.freeze()  # as deployed: gunicorn.conf.py freezes the loaded app before forking
        replay = app.test_client()
        # The replay's respondent has answered the first page (and come back to it).
        step = next_post(walk(replay, tokens.pop(), whole=False).page)
        assert step is not None
        replay.post(step[0], data={**step[1], "js": ""})
        for _ in range(10):  # warm caches: templates, questionnaires, statement cache
            walk(app.test_client(), tokens.pop())
        figures: dict[str, list[float]] = {"link": [], "respondent": [], "replay": []}
        walks: dict[str, Any] = {}
        for _ in range(runs):
            cpu, done = _timed(
                respondents, lambda: walk(app.test_client(), tokens.pop(), whole=False)
            )
            figures["link"].append(cpu)
            walks["link"] = done[-1]
            cpu, done = _timed(respondents, lambda: walk(app.test_client(), tokens.pop()))
            figures["respondent"].append(cpu)
            walks["respondent"] = done[-1]
            cpu, _done = _timed(respondents * 10, lambda: replay.get("/s/q/1", headers=GZIP))
            figures["replay"].append(cpu)
        if postgres:
            trips = {
                "link": postgres_round_trips(
                    app, lambda: walk(app.test_client(), tokens.pop(), whole=False)
                ),
                "respondent": postgres_round_trips(
                    app, lambda: walk(app.test_client(), tokens.pop())
                ),
            }
        if profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting
            profiler.enable()
            for _ in range(respondents):
                walk(app.test_client(), tokens.pop(), whole=profile == "respondent")
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(
                os.environ.get("SIP_PROFILE_SORT", "cumulative")
            ).print_stats(int(os.environ.get("SIP_PROFILE_LINES", "25")))
    if postgres:
        round_trips = {f"postgresql_{walked}": trips[walked] for walked in ("link", "respondent")}
    else:
        round_trips = {}
    link = statistics.median(figures["link"])
    whole = statistics.median(figures["respondent"])
    return {
        "machine": machine(),
        "database": "postgresql" if postgres else "sqlite",
        "runs": runs,
        "link_to_first_question_cpu_ms": round(link * 1000, 2),
        "link_to_first_question_requests": walks["link"].requests,
        "link_to_first_question_bytes": walks["link"].received,
        "respondent_cpu_ms": round(whole * 1000, 2),
        "respondent_requests": walks["respondent"].requests,
        "respondent_bytes": walks["respondent"].received,
        "replayed_first_page_get_cpu_ms": round(statistics.median(figures["replay"]) * 1000, 2),
        **round_trips,
        "all_link_ms": [round(v * 1000, 2) for v in figures["link"]],
        "all_respondent_ms": [round(v * 1000, 2) for v in figures["respondent"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--profile",
        nargs="?",
        const="link",
        choices=("link", "respondent"),
        help="print a cProfile of fresh links (or of complete respondents)",
    )
    parser.add_argument("--postgres", metavar="SERVER_URL", help="a database is created there")
    arguments = parser.parse_args()
    figures = run(arguments.respondents, arguments.runs, arguments.profile, arguments.postgres)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
