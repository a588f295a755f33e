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


def load_table(runs: list[dict[str, Any]], database: str, concurrencies: list[int]) -> list[str]:
    cores = os.cpu_count() or 1
    rows = []
    for c in concurrencies:
        first, whole = f"first_page_{c}", f"complete_{c}"
        path_cpu = _median(runs, whole, "server_cpu_ms_per_request")
        first_cpu = _median(runs, first, "server_cpu_ms_per_request")
        # What the server could do with every core to itself, from its own CPU per request.
        rows.append(
            f"| {database} | {c} | {_median(runs, whole, 'respondents_per_s'):.1f} "
            f"| {_median(runs, whole, 'p50_ms'):.0f} | {_median(runs, whole, 'p99_ms'):.0f} "
            f"| {sum(int(r[whole]['errors']) for r in runs)} "
            f"| {_median(runs, first, 'gets_per_s'):.0f} "
            f"| {sum(int(r[first]['errors']) for r in runs)} "
            f"| {path_cpu:.1f} | {first_cpu:.1f} "
            f"| {cores * 1000 / (12 * path_cpu):.0f} | {cores * 1000 / first_cpu:.0f} |"
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

    results["cpu"] = cpu = cpu_per_page.run(requests=300, runs=5, profile=False)
    floor = flask_floor.run(seconds=10, runs=arguments.runs) if shutil.which("wrk") else None
    results["floor"] = floor
    results["weight"] = weight = page_weight.run(runs=arguments.runs)
    invitations = int(arguments.seconds * 400 * len(concurrencies)) + 1000
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
        "| database | concurrent | respondents/s | p50 ms | p99 ms | errors | first-page GETs/s "
        "| errors | server CPU ms/request (path) | server CPU ms/GET (first page) "
        "| projected respondents/s | projected first-page GETs/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for database in databases:
        lines += load_table(results[f"load_{database}"], database, concurrencies)
    generators = {
        run[f"first_page_{c}"].get("generator", "asyncio client")
        for database in databases
        for run in results[f"load_{database}"]
        for c in concurrencies
    }
    lines.append(f"\nFirst-page GETs sent by: {', '.join(sorted(generators))}.")
    lines += [
        "",
        "| first question page (Chromium, cold cache) | bytes on the wire | requests |",
        "|---|---|---|",
    ]
    for role, figures in weight["roles"].items():
        lines.append(
            f"| {role} | {figures['bytes_median']:.0f} | {figures['requests_median']:.0f} |"
        )
    lines += [
        "",
        f"Server CPU per first-page GET: {cpu['first_page_get_cpu_ms']} ms "
        f"({cpu['first_page_gets_per_cpu_second']} per CPU-second); per complete respondent "
        f"({cpu['respondent_requests']} requests): {cpu['respondent_cpu_ms']} ms "
        f"({cpu['respondents_per_cpu_second']} per CPU-second).",
    ]
    if floor is not None:
        lines.append(
            f"Flask's floor (a one-line view, same gunicorn set-up, wrk): "
            f"{floor['hello_requests_per_s_median']} requests/s, so at most "
            f"{floor['ceiling_respondents_per_s']} respondents/s of 12 requests."
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
