"""Kill the server mid-flight: every submit that got its thank-you page is stored, exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from pathlib import Path
from queue import Empty, Queue

import httpx

from survey_app import create_app
from survey_app.domain.answering import has_answered
from survey_app.domain.links import invitation_for_token
from survey_app.extensions import db
from tests.answers import draft_of, submitted

from .respondent import (
    answer_guardian_questionnaire,
    migrated_sqlite_with_invitations,
    start_gunicorn,
    unused_port,
)

RESPONDENTS = 60
THREADS = 8
#: Kill the server once this many families have their thank-you page; the rest are in flight.
KILL_AFTER = 16


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    app = create_app(
        {"SURVEY_ENV": "testing", "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    )
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        db.engine.dispose()


def test_acknowledged_submits_survive_a_killed_server(tmp_path: Path, redis_url: str) -> None:
    database = tmp_path / "survey.sqlite3"
    tokens = migrated_sqlite_with_invitations(database, RESPONDENTS)
    port = unused_port()
    server = start_gunicorn(f"sqlite:///{database}", port, tmp_path / "gunicorn.log", redis_url)
    base_url = f"http://127.0.0.1:{port}"

    waiting: Queue[str] = Queue()
    for token in tokens:
        waiting.put(token)
    acknowledged: list[str] = []
    failed: list[str] = []  # cut off by the kill: stored or not, but never twice
    enough = threading.Event()
    killed = threading.Event()
    lock = threading.Lock()

    def respondent() -> None:
        while not killed.is_set():
            try:
                token = waiting.get_nowait()
            except Empty:
                return
            try:
                thanked = answer_guardian_questionnaire(base_url, token)
            except (httpx.TransportError, AssertionError, KeyError):
                with lock:
                    failed.append(token)
                continue
            with lock:
                (acknowledged if thanked else failed).append(token)
                if len(acknowledged) >= KILL_AFTER:
                    enough.set()

    threads = [threading.Thread(target=respondent) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(timeout=120), f"only {len(acknowledged)} thank-you pages in 120 s"
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # master and workers, no chance to clean up
        killed.set()
        server.wait(timeout=30)
        for thread in threads:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert failed, "the kill came after everyone had finished: nothing was in flight"

    # Opening the file runs SQLite's recovery from the WAL, as a restarted service would.
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    # Read back with the server's key: who answered is a keyed mark, the answers are sealed.
    app = create_app(
        {
            "SURVEY_ENV": "testing",
            "SECRET_KEY": "durability-test-only",
            "SURVEY_DATABASE_URL": f"sqlite:///{database}",
        }
    )
    with app.app_context():
        invitation_of: dict[str, int] = {}
        for token in tokens:
            invitation = invitation_for_token(token)
            assert invitation is not None  # every link the test made opens its invitation
            invitation_of[token] = invitation
        completed = {
            token for token, invitation in invitation_of.items() if has_answered(invitation)
        }
        stored = submitted()
        drafts_of_completed = [
            token for token in completed if draft_of(invitation_of[token]) is not None
        ]
        db.engine.dispose()

    assert set(acknowledged) <= completed
    assert len(stored) == len(completed)  # exactly one response per completed invitation
    # G0–G12: every response whole, none half-written.
    assert all(len(response.answers) == 13 for response in stored)
    assert drafts_of_completed == []
    assert len(acknowledged) >= KILL_AFTER
