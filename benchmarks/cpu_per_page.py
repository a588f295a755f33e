"""Server CPU time per request, in-process (Flask test client, production settings, SQLite):
less sensitive to a noisy machine than wall-clock load tests, and it says what one core can do.

  python benchmarks/cpu_per_page.py [--requests 300] [--runs 5] [--profile]

--profile prints the 25 most expensive functions of the first-page GET (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    GUARDIAN_PAGES,
    SERVER_ENVIRONMENT,
    machine,
    prepare_database,
)
from survey_app import create_app

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
GZIP = {"Accept-Encoding": "gzip"}


def _start(client: Any, token: str) -> str:
    client.get(f"/s/{token}")
    page = client.get("/s/").get_data(as_text=True)
    csrf = CSRF.search(page)
    if csrf is None:
        raise RuntimeError("no CSRF token on the start page")
    client.post("/s/", data={"csrf_token": csrf.group(1)})
    return csrf.group(1)


def _respondent(app: Any, token: str) -> int:
    """The whole path as a phone walks it; returns the number of requests."""
    client = app.test_client()
    csrf = _start(client, token)
    requests = 3
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        client.get(f"/s/q/{number}", headers=GZIP)
        response = client.post(
            f"/s/q/{number}", data={**answers, "csrf_token": csrf, "action": "next"}
        )
        if response.status_code != 302:
            raise RuntimeError(f"page {number}: {response.status_code}")
        requests += 2
    client.get("/s/tack", headers=GZIP)
    return requests + 1


def run(requests: int, runs: int, profile: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sip-cpu-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'cpu.sqlite3'}"
        tokens = prepare_database(url, runs * requests // 10 + 2)
        app = create_app({**SERVER_ENVIRONMENT, "SURVEY_DATABASE_URL": url})
        reader = app.test_client()
        _start(reader, tokens.pop())
        for _ in range(50):  # warm caches: templates, questionnaires, statement cache
            reader.get("/s/q/1", headers=GZIP)
        first_page: list[float] = []
        respondent: list[float] = []
        per_request: list[float] = []
        for _ in range(runs):
            started = time.process_time()
            for _ in range(requests):
                reader.get("/s/q/1", headers=GZIP)
            first_page.append((time.process_time() - started) / requests)
            count = requests // 10
            started = time.process_time()
            made = sum(_respondent(app, tokens.pop()) for _ in range(count))
            elapsed = time.process_time() - started
            respondent.append(elapsed / count)
            per_request.append(elapsed / made)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(requests):
                reader.get("/s/q/1", headers=GZIP)
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    first = statistics.median(first_page)
    whole = statistics.median(respondent)
    return {
        "machine": machine(),
        "runs": runs,
        "first_page_get_cpu_ms": round(first * 1000, 2),
        "first_page_gets_per_cpu_second": round(1 / first),
        "respondent_cpu_ms": round(whole * 1000, 1),
        "respondent_requests": 12,
        "request_cpu_ms_on_the_path": round(statistics.median(per_request) * 1000, 2),
        "respondents_per_cpu_second": round(1 / whole, 1),
        "all_first_page_ms": [round(v * 1000, 2) for v in first_page],
        "all_respondent_ms": [round(v * 1000, 1) for v in respondent],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.requests, arguments.runs, arguments.profile), indent=2))


if __name__ == "__main__":
    main()
