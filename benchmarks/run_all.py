"""`make bench`: every benchmark, several runs each, medians in one Markdown table.

  python benchmarks/run_all.py [--runs 3] [--seconds 20] [--skip-postgres] [--out FILE]

PostgreSQL runs on a throwaway cluster with production durability (fsync on), started and
stopped here through .ci/postgres.sh on port 54339. Results (all runs) go to --out as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import cpu_per_page, flask_floor, load_family_path, page_weight  # noqa: E402
from benchmarks.common import machine  # noqa: E402

POSTGRES_ENVIRONMENT = {"PGPORT": "54339", "SIP_PG_DURABLE": "1", "PGDATABASE_NAME": "sip_bench"}


def _postgres(action: str) -> str:
    result = subprocess.run(
        ["bash", str(ROOT / ".ci/postgres.sh"), action],
        env={**os.environ, **POSTGRES_ENVIRONMENT},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().removeprefix("export TEST_DATABASE_URL=")


def _median(runs: list[dict[str, Any]], key: str, metric: str) -> float:
    return statistics.median(float(run[key][metric]) for run in runs)


def load_table(
    runs: list[dict[str, Any]], database: str, concurrencies: list[int], floor: float | None
) -> list[str]:
    """The headline: a fresh link to the first question and a complete respondent, each with
    what the server and the database spent, and beside Flask's floor (a one-line view: the
    requests/s no page can beat) as a ratio of requests per second."""
    rows = []
    for c in concurrencies:
        fresh, whole, first = f"fresh_link_{c}", f"complete_{c}", f"first_page_{c}"
        ratio = "" if floor is None else f" ({_median(runs, whole, 'requests_per_s') / floor:.2f})"
        rows.append(
            f"| {database} | {c} | {_median(runs, fresh, 'links_per_s'):.0f} "
            f"| {_median(runs, fresh, 'requests_per_link'):.0f} "
            f"| {_median(runs, fresh, 'p99_ms'):.0f} "
            f"| {_median(runs, fresh, 'server_and_database_cpu_ms_per_unit'):.1f} "
            f"| {_median(runs, whole, 'respondents_per_s'):.1f} "
            f"| {_median(runs, whole, 'requests_per_s'):.0f}{ratio} "
            f"| {_median(runs, whole, 'p50_ms'):.0f} | {_median(runs, whole, 'p99_ms'):.0f} "
            f"| {_median(runs, whole, 'server_and_database_cpu_ms_per_unit'):.1f} "
            f"| {sum(int(r[k]['errors']) for r in runs for k in (fresh, whole, first))} "
            f"| {_median(runs, first, 'gets_per_s'):.0f} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/latest.json"))
    arguments = parser.parse_args()
    concurrencies: list[int] = arguments.concurrency
    results: dict[str, Any] = {
        "machine": machine(),
        "arguments": vars(arguments) | {"out": str(arguments.out)},
    }

    results["cpu"] = cpu = cpu_per_page.run(respondents=30, runs=5, profile=None)
    floor = flask_floor.run(seconds=10, runs=arguments.runs) if shutil.which("wrk") else None
    results["floor"] = floor
    results["weight"] = weight = page_weight.run(runs=arguments.runs)
    # Every fresh link and every respondent uses an invitation up: fresh links run at up to
    # about 850/s here, respondents at about 90/s, for each concurrency.
    invitations = int(arguments.seconds * 1200 * len(concurrencies)) + 5000
    databases = {"sqlite": ""}
    if not arguments.skip_postgres:
        databases["postgresql"] = _postgres("start")
    try:
        for database, url in databases.items():
            results[f"load_{database}"] = [
                load_family_path.run(
                    database, concurrencies, arguments.seconds, url, None, invitations
                )
                for _ in range(arguments.runs)
            ]
    finally:
        if not arguments.skip_postgres:
            _postgres("stop")
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))

    lines = [
        f"Machine: {results['machine']['cpus']} × {results['machine']['cpu_model']}, "
        f"{results['machine']['memory_gb']} GB, Python {results['machine']['python']}; "
        f"load average at start {results['machine']['load_average_at_start']}",
        "",
        "| database | concurrent | fresh links/s | requests/link | p99 ms | CPU ms/link "
        "| respondents/s | requests/s (÷ floor) | p50 ms | p99 ms | CPU ms/respondent | errors "
        "| replayed first-page GETs/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for database in databases:
        lines += load_table(
            results[f"load_{database}"],
            database,
            concurrencies,
            float(floor["hello_requests_per_s_median"]) if floor else None,
        )
    generators = {
        run[f"first_page_{c}"].get("generator", "asyncio client")
        for database in databases
        for run in results[f"load_{database}"]
        for c in concurrencies
    }
    lines.append(f"\nFirst-page GETs sent by: {', '.join(sorted(generators))}.")
    lines += [
        "",
        "| fresh link to the first question (Chromium, cold cache) | bytes on the wire "
        "| requests |",
        "|---|---|---|",
    ]
    for role, figures in weight["roles"].items():
        lines.append(
            f"| {role} | {figures['bytes_median']:.0f} | {figures['requests_median']:.0f} |"
        )
    lines += [
        "",
        f"In-process server CPU (SQLite): fresh link to the first question "
        f"{cpu['link_to_first_question_cpu_ms']} ms in {cpu['link_to_first_question_requests']} "
        f"request(s); complete respondent {cpu['respondent_cpu_ms']} ms in "
        f"{cpu['respondent_requests']} requests; replayed first-page GET "
        f"{cpu['replayed_first_page_get_cpu_ms']} ms.",
    ]
    if floor is not None:
        lines.append(
            f"Flask's floor (a one-line view, same gunicorn set-up, wrk): "
            f"{floor['hello_requests_per_s_median']} requests/s."
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
