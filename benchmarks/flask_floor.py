"""The floor: what Flask itself serves on this machine, with nothing of the service in it.

  python benchmarks/flask_floor.py [--seconds 10] [--runs 3]

A one-line Flask view ("hello") under gunicorn with the service's worker set-up (sync
workers, 2 × cores + 1) on 127.0.0.1, loaded by wrk at 50 connections. No database, no
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
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine, unused_port

HELLO = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
"""


def run(seconds: float, runs: int) -> dict[str, object]:
    workers = (os.cpu_count() or 1) * 2 + 1
    port = unused_port()
    with tempfile.TemporaryDirectory(prefix="sip-floor-") as scratch:
        Path(scratch, "hello.py").write_text(HELLO)
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "hello:app",
            ],
            cwd=scratch,
            start_new_session=True,
        )
        try:
            time.sleep(2)
            rates = []
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
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    median = statistics.median(rates)
    return {
        "machine": machine(),
        "gunicorn_sync_workers": workers,
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
