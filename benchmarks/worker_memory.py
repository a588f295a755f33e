"""Memory of each gunicorn worker at idle: PSS (shared pages split between the processes that
share them), USS (pages only that worker has) and RSS, from /proc/PID/smaps_rollup.

  python benchmarks/worker_memory.py [--requests 200]

The service runs under deploy/gunicorn.conf.py (preloaded app, sync workers) on SQLite; each
worker is measured after `--requests` fresh links have been opened (so every worker has served
pages), beside Flask's floor: a one-line Flask view under the same gunicorn set-up. Also lists
which heavy libraries the web app imports (none should be: the analysis, charts, migrations, SMS
sending and single sign-on load in the commands and code paths that use them;
tests/ops/test_web_imports.py pins it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    IN_PROCESS_ENVIRONMENT,
    gunicorn,
    machine,
    prepare_database,
)
from benchmarks.flask_floor import hello_server

HEAVY = (
    "matplotlib",
    "scipy",
    "numpy",
    "pandas",
    "statsmodels",
    "weasyprint",
    "reportlab",
    "openpyxl",
    "pyreadstat",
    "zxcvbn",
    "segno",
    "alembic",
    "httpx",
    "authlib",
    "joserfc",
)


def _workers(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(entry.name))
    return sorted(children)


def _memory(pid: int) -> dict[str, float]:
    """PSS, USS and RSS in MB."""
    figures: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        figures[name] = int(value.split()[0])
    uss = figures["Private_Clean"] + figures["Private_Dirty"]
    return {
        "pss_mb": round(figures["Pss"] / 1024, 1),
        "uss_mb": round(uss / 1024, 1),
        "rss_mb": round(figures["Rss"] / 1024, 1),
    }


def _median(rows: list[dict[str, float]], key: str) -> float:
    values = sorted(row[key] for row in rows)
    return values[len(values) // 2]


def _summary(master: int) -> dict[str, object]:
    workers = [_memory(pid) for pid in _workers(master)]
    return {
        "workers": len(workers),
        "median_pss_mb": _median(workers, "pss_mb"),
        "median_uss_mb": _median(workers, "uss_mb"),
        "median_rss_mb": _median(workers, "rss_mb"),
        "master": _memory(master),
        "each": workers,
    }


def service(requests: int, workers: int | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="sip-memory-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'memory.sqlite3'}"
        tokens = prepare_database(url, requests)
        with gunicorn(url, workers) as (base_url, master):
            with httpx.Client(base_url=base_url) as client:
                for token in tokens:
                    client.get(f"/s/{token}", follow_redirects=True).raise_for_status()
            time.sleep(1)
            return _summary(master)


def floor(workers: int | None = None) -> dict[str, object]:
    with hello_server(preload=True, workers=workers) as (port, master):
        for _ in range(50):
            httpx.get(f"http://127.0.0.1:{port}/").raise_for_status()
        time.sleep(1)
        return _summary(master)


def imported_by_the_web_app() -> list[str]:
    environment = {**os.environ, **IN_PROCESS_ENVIRONMENT, "SURVEY_DATABASE_URL": "sqlite://"}
    script = f"import sys, wsgi; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[1],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="default: deploy/gunicorn.conf.py's (PSS splits the shared pages among them all)",
    )
    arguments = parser.parse_args()
    print(
        json.dumps(
            {
                "machine": machine(),
                "heavy_libraries_in_the_web_app": imported_by_the_web_app(),
                "service": service(arguments.requests, arguments.workers),
                "flask_floor": floor(arguments.workers),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
