"""Shared set-up for the benchmarks: databases with invitations, a gunicorn server, the machine."""

from __future__ import annotations

import gzip
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from survey_app import create_app  # noqa: E402
from survey_app.domain.tokens import hash_token, new_token  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.models import (  # noqa: E402
    AgeBand,
    Campaign,
    CampaignState,
    ChildAttended,
    Invitation,
    Link,
    Meeting,
    Role,
    Team,
    utcnow,
)
from survey_app.ops import migrations  # noqa: E402
from survey_app.questionnaires import QUESTIONNAIRE_FOR_ROLE  # noqa: E402

GZIP = {"Accept-Encoding": "gzip"}

#: A complete, attended guardian questionnaire, page by page.
GUARDIAN_PAGES: list[dict[str, str]] = [
    {"G0": "3"},
    {"G1": "4", "G2": "3", "G3": "na", "G4": "2", "G5": "1"},
    {"G6": "4", "G7": "4", "G8": "3", "G9": "na"},
    {"G10": "3", "G11": "4", "G12": "Mer tid till barnet."},
]
#: The form a family fills in on a page: Start (/s/) or a question page (/s/q/N).
MAIN_FORM = re.compile(rb'<form method="post" action="(/s/(?:q/(\d+))?)"')
CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
FIRST_QUESTION = b'action="/s/q/1"'


def next_post(page: bytes) -> tuple[str, dict[str, str]] | None:
    """What a phone posts next from `page`, as a guardian answering GUARDIAN_PAGES with the
    page's script running (`js=1`); None on a page with nothing left to fill in (thank you).

    The walk reads the pages instead of knowing the paths, so the same walk measures any
    version of the service: one answering a POST with a redirect, or with the next page.
    """
    form = MAIN_FORM.search(page)
    csrf = CSRF.search(page)
    if form is None:
        return None
    if csrf is None:
        raise RuntimeError("a page's form has no CSRF token")
    number = form.group(2)
    answers = GUARDIAN_PAGES[int(number) - 1] if number else {}
    fields = {**answers, "csrf_token": csrf.group(1).decode(), "action": "next", "js": "1"}
    return form.group(1).decode(), fields


@dataclass
class Walked:
    """What a walk cost the phone: requests made and (compressed) bytes received."""

    requests: int = 0
    received: int = 0
    reached_first_question: int = 0  # requests it took to see the first question
    page: bytes = b""  # the last page shown


def walk(client: Any, token: str, *, whole: bool = True) -> Walked:
    """Walk the family path with a Flask test client as a phone does: open the link, follow
    redirects, fill in each page's form; to the first question, or (`whole`) to the end."""
    walked = Walked()

    def send(method: str, path: str, form: dict[str, str] | None = None) -> bytes:
        response = client.open(path, method=method, data=form, headers=GZIP)
        walked.requests += 1
        while response.status_code in (302, 303):
            response = client.get(response.headers["Location"], headers=GZIP)
            walked.requests += 1
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path}: {response.status_code}")
        body = response.get_data()
        walked.received += len(body)
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body

    page = send("GET", f"/s/{token}")
    while True:
        walked.page = page
        if FIRST_QUESTION in page and not walked.reached_first_question:
            walked.reached_first_question = walked.requests
            if not whole:
                return walked
        step = next_post(page)
        if step is None:
            if "Tack för".encode() not in page:
                raise RuntimeError("the walk ended on a page that is not the thank-you page")
            return walked
        page = send("POST", *step)


#: The production server needs a real gateway configured; nothing is sent from the web process.
SERVER_ENVIRONMENT = {
    "SURVEY_ENV": "production",
    "SECRET_KEY": "benchmark-only-not-secret",
    "SMS_GATEWAY": "46elks",
    "SMS_SENDER": "RegionVbtn",
    "ELKS_API_USER": "bench",
    "ELKS_API_PASSWORD": "bench",
    "ELKS_API_URL": "http://127.0.0.1:9",
}
#: The same, for benchmarks that run the app in their own single process (the test client):
#: per-process throttle counters are then exact, which production only accepts on its word.
IN_PROCESS_ENVIRONMENT = {**SERVER_ENVIRONMENT, "SURVEY_SINGLE_PROCESS": "1"}


def machine() -> dict[str, Any]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_average_at_start": os.getloadavg(),
    }


def fresh_postgres_database(server_url: str, name: str) -> str:
    url = sa.engine.make_url(server_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def prepare_database(url: str, invitations: int, role: str = "guardian") -> list[str]:
    """Migrate `url` and invite `invitations` people to one open window; returns the tokens."""

    app = create_app({"SURVEY_ENV": "testing", "SECRET_KEY": "x", "SURVEY_DATABASE_URL": url})
    tokens = [new_token() for _ in range(invitations)]
    with app.app_context():
        migrations.upgrade()
        now = utcnow()
        campaign = Campaign(
            name="Benchmark",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            state=CampaignState.OPEN,
        )
        meeting = Meeting(
            campaign=campaign,
            team=db.session.scalar(sa.select(Team).where(Team.name == "HLT Umeå")),
            held_on=date(2026, 11, 20),
            age_band=AgeBand.YOUTH if role == "youth" else AgeBand.CHILD,
            child_attended=ChildAttended.YES,
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.execute(
            sa.insert(Invitation),
            [
                {
                    "meeting_id": meeting.id,
                    "role": Role(role),
                    "questionnaire_key": QUESTIONNAIRE_FOR_ROLE[role],
                    "language": "sv",
                    "created_at": now,
                    "sent_at": now,
                }
                for _ in tokens
            ],
        )
        ids = db.session.scalars(sa.select(Invitation.id).order_by(Invitation.id)).all()
        # Each invitation's SMS went with its link (only the hash is stored).
        db.session.execute(
            sa.insert(Link),
            [
                {"token_hash": hash_token(token), "invitation_id": invitation_id}
                for token, invitation_id in zip(tokens, ids, strict=True)
            ],
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Statistics for the seeded tables now, as a running database has them: otherwise
            # autovacuum analyses tens of thousands of new rows during a measured run.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
                admin.execute(sa.text("VACUUM ANALYZE"))
        db.engine.dispose()
    return tokens


def postgres_round_trips(app: Any, one_walk: Any) -> dict[str, int]:
    """What one walk sent to PostgreSQL, read from libpq's own protocol trace: each Sync ends a
    statement (psycopg's extended protocol) and each Query is a BEGIN, COMMIT or ROLLBACK; each
    is one round trip, the client waiting for the server's answer."""
    from survey_app.extensions import db

    with tempfile.NamedTemporaryFile("w+") as trace, app.app_context():
        db.engine.dispose()  # new connections, traced from their first message

        def traced(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.pgconn.trace(trace.fileno())

        sa.event.listen(db.engine, "connect", traced)
        try:
            one_walk()
        finally:
            sa.event.remove(db.engine, "connect", traced)
            db.engine.dispose()
        # (libpq writes through its own buffer, flushed when the connection closes)
        lines = Path(trace.name).read_text().splitlines()
    sent = [line.split("\t")[3:4] for line in lines if line.split("\t")[1:2] == ["F"]]
    statements, commands = sent.count(["Sync"]), sent.count(["Query"])
    return {
        "statements": statements,
        "transaction_commands": commands,
        "round_trips": statements + commands,
    }


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def throttle_store() -> Iterator[str]:
    """A throwaway redis-server on a Unix socket: production refuses per-worker counters."""
    with tempfile.TemporaryDirectory() as folder:
        sock = Path(folder) / "redis.sock"
        redis = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", str(sock), "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while not sock.exists():
                if redis.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start (apt-get install redis-server)")
                time.sleep(0.05)
            yield f"redis+unix://{sock}"
        finally:
            redis.terminate()
            redis.wait(timeout=30)


@contextmanager
def gunicorn(database_url: str, workers: int | None = None) -> Iterator[tuple[str, int]]:
    """gunicorn with deploy/gunicorn.conf.py on a loopback port; yields (base URL, its pid)."""
    with throttle_store() as store, _gunicorn(database_url, store, workers) as running:
        yield running


@contextmanager
def _gunicorn(database_url: str, store: str, workers: int | None) -> Iterator[tuple[str, int]]:
    port = unused_port()
    environment = {
        **os.environ,
        **SERVER_ENVIRONMENT,
        "RATELIMIT_STORAGE_URI": store,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_BASE_URL": f"http://127.0.0.1:{port}",
        "SIP_BIND": f"127.0.0.1:{port}",
    }
    if workers:
        environment["SIP_WORKERS"] = str(workers)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start within 60 s") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def group_cpu_seconds(group: int) -> float:
    """CPU time of a process group: its live members plus the children its leader reaped
    (gunicorn recycles workers), so the server's cost per request is known on a busy machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        # fields[0] is the state (field 3); pgrp is field 5, utime..cstime are 14..17
        if int(fields[2]) != group:
            continue
        total += int(fields[11]) + int(fields[12])
        if int(stat.parent.name) == group:
            total += int(fields[13]) + int(fields[14])
    return total / ticks


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process on the machine: live backends plus those the
    postmaster has reaped. Meant for a machine where the benchmark's cluster is the only one
    running (run_all.py starts its own; say so when reporting)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, ValueError):
            continue
        if name != "postgres":
            continue
        fields = rest.split()
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / ticks


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
