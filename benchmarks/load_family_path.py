"""Load test of the family path against gunicorn on 127.0.0.1: complete respondents per second,
latency per request, errors; and first-page GETs per second.

  python benchmarks/load_family_path.py --database sqlite --concurrency 10 50 --seconds 20
  python benchmarks/load_family_path.py --database postgresql --postgres-url postgresql+psycopg://…

The load generator for the whole path is a deliberately small asyncio HTTP/1.1 client (one
connection per request, as gunicorn's sync workers close every connection): httpx spends several
times more CPU per request, and on a 2-core machine the generator shares the cores with the
server. First-page GETs are sent by wrk (Debian package `wrk`) when it is installed: it costs a
fraction of the Python client's CPU, which then goes to the server; without it, the asyncio
client sends them too.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    FIRST_QUESTION,
    fresh_postgres_database,
    group_cpu_seconds,
    gunicorn,
    machine,
    next_post,
    percentile,
    postgres_cpu_seconds,
    prepare_database,
)
from benchmarks.disk_flush_probe import disk_flushes

COOKIE = re.compile(rb"^set-cookie: *sip=([^;]*)", re.IGNORECASE | re.MULTILINE)
LOCATION = re.compile(rb"^location: *(\S+)", re.IGNORECASE | re.MULTILINE)
#: A slow request is one thing; a hung one must not stall the whole run.
REQUEST_TIMEOUT = 30.0


class Failure(Exception):
    """A response the family would not have expected (wrong status, missing redirect)."""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    #: The same latencies by request ("GET link", "POST /s/q/2", …): which one makes the tail.
    by_request: dict[str, list[float]] = field(default_factory=dict)
    #: When each response came in (perf_counter): a tail that is one pause of the whole
    #: machine shows as a long gap here, one slow kind of request does not.
    finished: list[float] = field(default_factory=list)
    completed: int = 0
    errors: list[str] = field(default_factory=list)
    requests: int = 0


@dataclass
class Visitor:
    host: str
    port: int
    tally: Tally
    cookie: bytes = b""

    async def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes, bytes]:
        body = urlencode(form).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept-Encoding: gzip",
            "Connection: close",
        ]
        if self.cookie:
            lines.append(f"Cookie: sip={self.cookie.decode()}")
        if form is not None:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(raw)
            response = await reader.read(-1)
        finally:
            writer.close()
        finished = time.perf_counter()
        latency = finished - started
        self.tally.latencies.append(latency)
        self.tally.finished.append(finished)
        label = f"{method} {path}" if method == "POST" or path.startswith("/s/q/") else "GET link"
        self.tally.by_request.setdefault(label, []).append(latency)
        self.tally.requests += 1
        head, _, payload = response.partition(b"\r\n\r\n")
        status = int(head[9:12]) if head.startswith(b"HTTP/1.") else 0
        cookie = COOKIE.search(head)
        if cookie:
            self.cookie = cookie.group(1)
        if b"content-encoding: gzip" in head.lower():
            payload = gzip.decompress(payload)
        return status, head, payload

    async def follow(self, status: int, head: bytes, page: bytes, what: str) -> bytes:
        """Follow redirects as a browser does; the page finally shown."""
        while status in (302, 303):
            location = LOCATION.search(head)
            if location is None:
                raise Failure(f"{what}: a redirect without a Location")
            status, head, page = await self.request(
                "GET", urlsplit(location.group(1).decode()).path
            )
        if status != 200:
            raise Failure(f"{what}: {status}")
        return page

    async def walk(self, token: str, *, whole: bool = True) -> bytes:
        """Open the link and fill in each page's form as a phone with the page's script does
        (benchmarks.common.next_post), to the first question or (`whole`) to the thank-you
        page; returns the last page."""
        page = await self.follow(*await self.request("GET", f"/s/{token}"), "the link")
        while True:
            if not whole and FIRST_QUESTION in page:
                return page
            step = next_post(page)
            if step is None:
                if "Tack för".encode() not in page:
                    raise Failure("the walk ended on a page that is not the thank-you page")
                return page
            path, form = step
            page = await self.follow(*await self.request("POST", path, form), f"POST {path}")

    async def started(self, token: str) -> None:
        """Open the link and answer the first page: a respondent whose /s/q/1 opens."""
        step = next_post(await self.walk(token, whole=False))
        if step is None:
            raise Failure("no first question")
        path, form = step
        await self.follow(*await self.request("POST", path, {**form, "js": ""}), path)

    async def expect_page(self, path: str) -> bytes:
        status, _head, payload = await self.request("GET", path)
        if status != 200:
            raise Failure(f"GET {path}: {status}")
        return payload


async def _run_for(seconds: float, concurrency: int, work: object) -> float:
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    async def user(index: int) -> None:
        while time.perf_counter() < deadline:
            await work(index)  # type: ignore[operator]

    await asyncio.gather(*(user(i) for i in range(concurrency)))
    return time.perf_counter() - started


async def _walks(
    base_url: str, tokens: list[str], concurrency: int, seconds: float, *, whole: bool
) -> tuple[Tally, float]:
    """Each virtual user walks fresh links, one after another, for `seconds`: to the first
    question, or (`whole`) to the thank-you page."""
    url = urlsplit(base_url)
    tally = Tally()
    pending = iter(tokens)

    async def one(_index: int) -> None:
        token = next(pending, None)
        if token is None:
            raise RuntimeError("ran out of invitations: seed more")
        visitor = Visitor(url.hostname or "127.0.0.1", url.port or 80, tally)
        try:
            await asyncio.wait_for(visitor.walk(token, whole=whole), REQUEST_TIMEOUT * 12)
            tally.completed += 1
        except (Failure, OSError, TimeoutError) as error:
            tally.errors.append(f"{type(error).__name__}: {error}")

    return tally, await _run_for(seconds, concurrency, one)


def _longest_pause(finished: list[float]) -> float:
    """The longest time in which no response came in (under load at 50 concurrent the
    server answers one every 2-3 ms)."""
    ordered = sorted(finished)
    return max((later - earlier for earlier, later in pairwise(ordered)), default=0.0)


def _figures(tally: Tally, elapsed: float, concurrency: int) -> dict[str, object]:
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(tally.requests / elapsed, 1),
        "p50_ms": round(percentile(tally.latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 1),
        "completed": tally.completed,
        "errors": len(tally.errors),
        "first_errors": tally.errors[:3],
        "longest_pause_ms": round(_longest_pause(tally.finished) * 1000, 1),
        "p50_p99_ms_by_request": {
            label: [
                round(percentile(latencies, 0.50) * 1000, 1),
                round(percentile(latencies, 0.99) * 1000, 1),
            ]
            for label, latencies in sorted(tally.by_request.items())
        },
    }


async def complete_respondents(
    base_url: str, tokens: list[str], concurrency: int, seconds: float
) -> dict[str, object]:
    tally, elapsed = await _walks(base_url, tokens, concurrency, seconds, whole=True)
    return {
        **_figures(tally, elapsed, concurrency),
        "respondents_per_s": round(tally.completed / elapsed, 1),
    }


async def fresh_links(
    base_url: str, tokens: list[str], concurrency: int, seconds: float
) -> dict[str, object]:
    """What a family experiences first: a fresh link opened, to the first question shown (every
    request that takes, redirects followed), each time a new person with a new link."""
    tally, elapsed = await _walks(base_url, tokens, concurrency, seconds, whole=False)
    return {
        **_figures(tally, elapsed, concurrency),
        "links_per_s": round(tally.completed / elapsed, 1),
        "requests_per_link": round(tally.requests / max(tally.completed, 1), 2),
    }


async def first_page_gets(
    base_url: str, tokens: list[str], concurrency: int, seconds: float
) -> dict[str, object]:
    """GET /s/q/1 again and again, each virtual user as its own started respondent."""
    url = urlsplit(base_url)
    setup = Tally()
    visitors = [Visitor(url.hostname or "127.0.0.1", url.port or 80, setup) for _ in tokens]
    await asyncio.gather(*(v.started(t) for v, t in zip(visitors, tokens, strict=True)))
    tally = Tally()
    for visitor in visitors:
        visitor.tally = tally

    async def one(index: int) -> None:
        try:
            await visitors[index].expect_page("/s/q/1")
        except (Failure, OSError) as error:
            tally.errors.append(f"{type(error).__name__}: {error}")

    elapsed = await _run_for(seconds, concurrency, one)
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "gets_per_s": round(tally.requests / elapsed, 1),
        "setup_requests": setup.requests,
        "p50_ms": round(percentile(tally.latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 1),
        "errors": len(tally.errors),
        "first_errors": tally.errors[:3],
    }


WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def first_page_gets_wrk(
    base_url: str, token: str, concurrency: int, seconds: float
) -> dict[str, object]:
    """The same GETs from wrk, a C load generator: it leaves the two cores to the server.

    All connections carry one started respondent's session (every first page is the same
    page for the server); wrk reconnects after each response, as gunicorn's sync workers close.
    """
    url = urlsplit(base_url)
    setup = Tally()
    visitor = Visitor(url.hostname or "127.0.0.1", url.port or 80, setup)
    asyncio.run(visitor.started(token))
    started = time.perf_counter()
    output = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(concurrency),
            "--duration",
            f"{seconds:.0f}s",
            "--timeout",
            f"{REQUEST_TIMEOUT:.0f}s",
            "--latency",
            "--header",
            f"Cookie: sip={visitor.cookie.decode()}",
            "--header",
            "Accept-Encoding: gzip",
            f"{base_url}/s/q/1",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    elapsed = time.perf_counter() - started
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    latency = {
        percent: float(value) * WRK_UNITS[unit]
        for percent, value, unit in WRK_LATENCY.findall(output)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        # A read error is the server closing a connection it had answered (sync workers do);
        # failed connects, writes and time-outs are real errors.
        errors += sum(int(socket_errors.group(n)) for n in (1, 3, 4))
    return {
        "generator": "wrk",
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "gets_per_s": round(requests / elapsed, 1),
        "setup_requests": setup.requests,
        "p50_ms": round(latency.get("50", float("nan")), 1),
        "p99_ms": round(latency.get("99", float("nan")), 1),
        "errors": errors,
        "first_errors": [line for line in output.splitlines() if "error" in line.lower()][:3],
    }


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _with_cpu(server: int, rate: str, phase: Any, *, postgres: bool = False) -> dict[str, Any]:
    """Run one phase; add the CPU the server (and PostgreSQL, when it runs) and the load
    generator spent per request, and how slowly the disk flushed meanwhile
    (benchmarks/disk_flush_probe.py)."""
    server_before = group_cpu_seconds(server)
    database_before = postgres_cpu_seconds() if postgres else 0.0
    with disk_flushes() as flushes:
        own_before = time.process_time() + _children_cpu_seconds()  # wrk is a child
        outcome = phase()
        figures: dict[str, Any] = asyncio.run(outcome) if asyncio.iscoroutine(outcome) else outcome
        # (Read before the probe ends: a child's CPU counts once it is reaped.)
        server_cpu, own_cpu = (
            group_cpu_seconds(server) - server_before,
            time.process_time() + _children_cpu_seconds() - own_before,
        )
    figures["disk_flushes"] = flushes
    database_cpu = postgres_cpu_seconds() - database_before if postgres else 0.0
    count = float(figures[rate]) * float(figures["seconds"]) + figures.get("setup_requests", 0)
    per = 1000 / count if count else 0.0
    figures["server_cpu_ms_per_request"] = round(server_cpu * per, 2)
    figures["database_cpu_ms_per_request"] = round(database_cpu * per, 2)
    figures["generator_cpu_ms_per_request"] = round(own_cpu * per, 2)
    units = figures.get("completed")
    if units:
        # Per link opened or per respondent: the server's and the database's CPU together.
        figures["server_and_database_cpu_ms_per_unit"] = round(
            (server_cpu + database_cpu) * 1000 / int(units), 2
        )
    return figures


def run(
    database: str,
    concurrencies: list[int],
    seconds: float,
    postgres_url: str,
    workers: int | None,
    invitations: int,
    warm_up: float = 2.0,
) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="sip-bench-") as scratch:
        if database == "sqlite":
            url = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        else:
            url = fresh_postgres_database(postgres_url, "sip_bench")
        tokens = prepare_database(url, invitations)
        results: dict[str, object] = {
            "database": database,
            "machine": machine(),
            "warm_up_seconds": warm_up,
        }
        postgres = database == "postgresql"
        with gunicorn(url, workers) as (base_url, server):
            # Not measured: the first seconds after a start, while every worker connects to the
            # database and psycopg prepares each statement on its fifth use on a connection;
            # a running service has long done both.
            warm = asyncio.run(_walks(base_url, tokens, max(concurrencies), warm_up, whole=True))[0]
            tokens = tokens[warm.completed + len(warm.errors) + max(concurrencies) :]
            # The load generator's own garbage collections (a full one walks every object of
            # the app it imported to seed the database) would count as the server's latency.
            gc.collect()
            gc.freeze()
            for concurrency in concurrencies:
                fresh = _with_cpu(
                    server,
                    "requests_per_s",
                    lambda c=concurrency, t=tokens: fresh_links(base_url, t, c, seconds),
                    postgres=postgres,
                )
                results[f"fresh_link_{concurrency}"] = fresh
                tokens = tokens[int(fresh["completed"]) + int(fresh["errors"]) + concurrency :]
            for concurrency in concurrencies:
                complete = _with_cpu(
                    server,
                    "requests_per_s",
                    lambda c=concurrency, t=tokens: complete_respondents(base_url, t, c, seconds),
                    postgres=postgres,
                )
                results[f"complete_{concurrency}"] = complete
                # Links already used (or cut off at the deadline) are not handed out again.
                used = int(complete["completed"]) + int(complete["errors"]) + concurrency
                tokens = tokens[used:]
            # Secondary: one started respondent's first question page, replayed.
            for concurrency in concurrencies:
                chunk, tokens = tokens[: max(concurrencies)], tokens[max(concurrencies) :]
                phase: Callable[[], object]  # figures, or a coroutine of them (_with_cpu)
                if shutil.which("wrk"):
                    phase = partial(first_page_gets_wrk, base_url, chunk[0], concurrency, seconds)
                else:
                    phase = partial(
                        first_page_gets, base_url, chunk[:concurrency], concurrency, seconds
                    )
                results[f"first_page_{concurrency}"] = _with_cpu(
                    server, "gets_per_s", phase, postgres=postgres
                )
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url", default="", help="server URL (a database is created)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py")
    parser.add_argument("--invitations", type=int, default=20_000)
    parser.add_argument(
        "--warm-up", type=float, default=2.0, help="seconds of respondents not measured"
    )
    arguments = parser.parse_args()
    if arguments.database == "postgresql" and not arguments.postgres_url:
        parser.error("--postgres-url is needed for --database postgresql")
    results = run(
        arguments.database,
        arguments.concurrency,
        arguments.seconds,
        arguments.postgres_url,
        arguments.workers,
        arguments.invitations,
        arguments.warm_up,
    )
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
