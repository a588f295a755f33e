"""Instructions per fresh link to the first question, per complete respondent and per
replayed first-page GET, counted by callgrind.

  python benchmarks/instructions_per_request.py [--gets 50] [--respondents 5]
  python benchmarks/instructions_per_request.py --postgres postgresql+psycopg://…/postgres

Timings on a shared machine move with whatever else runs; an instruction count does not
(the same code, inputs and interpreter give the same count to within a few hundredths of a
percent). So this is the figure to compare two versions of the code with. It runs the same
in-process walks as cpu_per_page.py (Flask test client, production settings, SQLite) under
`valgrind --tool=callgrind`, counting only the measured requests: start-up, migrations and a
warm-up are left out by switching instrumentation on and off around them.

With --postgres the app runs against a database created on that server: the count is then the
app's own instructions on PostgreSQL's path (statements outside transactions, one-statement
writes); the server's are not counted (load_family_path.py measures its CPU).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _measure(mode: str, count: int, postgres: str | None) -> None:
    """Inside valgrind: warm up, then count `count` units with instrumentation on."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.common import (
        GZIP,
        IN_PROCESS_ENVIRONMENT,
        fresh_postgres_database,
        next_post,
        prepare_database,
        walk,
    )
    from survey_app import create_app

    with tempfile.TemporaryDirectory(prefix="sip-instructions-") as scratch:
        url = (
            fresh_postgres_database(postgres, "sip_instructions")
            if postgres
            else f"sqlite:///{Path(scratch) / 'instructions.sqlite3'}"
        )
        tokens = prepare_database(url, count + 10)
        app = create_app({**IN_PROCESS_ENVIRONMENT, "SURVEY_DATABASE_URL": url})
        gc.freeze()  # as deployed: gunicorn.conf.py freezes the loaded app before forking
        replay = app.test_client()
        step = next_post(walk(replay, tokens.pop(), whole=False).page)
        assert step is not None
        replay.post(step[0], data={**step[1], "js": ""})  # started: the replay's page opens
        for _ in range(20):
            replay.get("/s/q/1", headers=GZIP)
        for _ in range(3):
            walk(app.test_client(), tokens.pop())
        control = ["callgrind_control", "--instr"]
        subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
        if mode == "replay":
            for _ in range(count):
                replay.get("/s/q/1", headers=GZIP)
        else:
            for _ in range(count):
                walk(app.test_client(), tokens.pop(), whole=mode == "respondent")
        subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)


def count_instructions(mode: str, count: int, postgres: str | None) -> int:
    with tempfile.TemporaryDirectory(prefix="sip-callgrind-") as scratch:
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={scratch}/out.%p",
                sys.executable,
                __file__,
                "--inside",
                mode,
                str(count),
                *(["--postgres", postgres] if postgres else []),
            ],
            check=True,
            capture_output=True,
        )
        total = 0
        for output in Path(scratch).glob("out.*"):
            # "summary:" is written when instrumentation starts (0 here), "totals:" at the end.
            counts = [
                int(line.split()[1])
                for line in output.read_text(errors="replace").splitlines()
                if line.startswith(("summary:", "totals:"))
            ]
            total += max(counts, default=0)
        return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gets", type=int, default=50)
    parser.add_argument("--respondents", type=int, default=5)
    parser.add_argument(
        "--postgres", metavar="SERVER_URL", help="run on PostgreSQL: a database is created there"
    )
    parser.add_argument("--inside", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.inside:
        _measure(arguments.inside[0], int(arguments.inside[1]), arguments.postgres)
        return
    if shutil.which("valgrind") is None:
        parser.error("valgrind is needed (Debian package valgrind)")
    postgres = arguments.postgres
    link = count_instructions("link", arguments.respondents * 4, postgres)
    respondent = count_instructions("respondent", arguments.respondents, postgres)
    replay = count_instructions("replay", arguments.gets, postgres)
    print(
        json.dumps(
            {
                "link_to_first_question_instructions": link // (arguments.respondents * 4),
                "respondent_instructions": respondent // arguments.respondents,
                "replayed_first_page_get_instructions": replay // arguments.gets,
                "links_measured": arguments.respondents * 4,
                "respondents_measured": arguments.respondents,
                "gets_measured": arguments.gets,
                "database": "postgresql" if postgres else "sqlite",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
