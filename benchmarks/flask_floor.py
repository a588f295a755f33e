"""The floor: what Flask itself serves on this machine, with nothing of the service in it.

  python benchmarks/flask_floor.py [--seconds 10] [--runs 3]

A one-line Flask view ("hello") under gunicorn with the service's worker set-up (sync
workers, 2 × cores) on 127.0.0.1, loaded by wrk at 50 connections. No database, no
template, no session, no extension: any page of the service costs more than this. It tells
which throughput targets Flask on this machine can reach at all: respondents/s can never
exceed this figure ÷ the requests a respondent makes. Needs wrk.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine, unused_port

HELLO = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
"""


WORKERS = (os.cpu_count() or 1) * 2  # as deploy/gunicorn.conf.py


class Floor(TypedDict):
    """What run() measures (and run_all.py divides the service's rates by)."""

    machine: dict[str, Any]
    gunicorn_sync_workers: int
    hello_requests_per_s_median: int
    all_runs: list[int]


@contextmanager
def hello_server(*, preload: bool = False, workers: int | None = None) -> Iterator[tuple[int, int]]:
    """The one-line app under gunicorn (the service's worker set-up) on a free loopback port;
    yields (port, the master's pid) once it answers."""
    port = unused_port()
    with tempfile.TemporaryDirectory(prefix="sip-floor-") as scratch:
        Path(scratch, "hello.py").write_text(HELLO)
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers or WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *(["--preload"] if preload else []),
            "hello:app",
        ]
        server = subprocess.Popen(command, cwd=scratch, start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("gunicorn did not start within 30 s") from None
                    time.sleep(0.1)
            yield port, server.pid
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def run(seconds: float, runs: int) -> Floor:
    rates = []
    with hello_server() as (port, _pid):
        time.sleep(1)  # every worker up
        for _ in range(runs):
            output = subprocess.run(
                [
                    "wrk",
                    "--threads",
                    "1",
                    "--connections",
                    "50",
                    "--duration",
                    f"{seconds:.0f}s",
                    f"http://127.0.0.1:{port}/",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            found = re.search(r"Requests/sec:\s+([\d.]+)", output)
            if found is None:
                raise RuntimeError(f"wrk said:\n{output}")
            rates.append(float(found.group(1)))
    median = statistics.median(rates)
    return {
        "machine": machine(),
        "gunicorn_sync_workers": WORKERS,
        "hello_requests_per_s_median": round(median),
        "all_runs": [round(rate) for rate in rates],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.error("wrk is needed (Debian package wrk)")
    print(json.dumps(run(arguments.seconds, arguments.runs), indent=2))


if __name__ == "__main__":
    main()
