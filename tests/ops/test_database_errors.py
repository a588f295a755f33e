"""A database that cannot be reached stops the service with one clear line, not a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from survey_app import create_app
from survey_app.ops.database import DatabaseUnavailable

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _unused_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "SURVEY_ENV": "development",
        "SURVEY_DATABASE_URL": database_url,
    }
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], *mentions: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "cannot start" in line]
    assert len(lines) == 1, result.stderr
    for mention in mentions:
        assert mention in lines[0]


def test_db_upgrade_against_an_unreachable_postgresql_names_the_host() -> None:
    port = _unused_port()
    url = f"postgresql+psycopg://sip:hemligt@127.0.0.1:{port}/sip"
    result = _run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], url)
    _assert_one_clear_line(result, f"127.0.0.1:{port}", "SURVEY_DATABASE_URL")
    assert "hemligt" not in result.stderr  # the password is never printed


def test_a_sqlite_file_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-directory" / "survey.sqlite3"
    result = _run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], f"sqlite:///{missing}")
    _assert_one_clear_line(result, str(missing), "unable to open database file")


def test_gunicorn_refuses_to_start_with_the_same_line() -> None:
    url = f"postgresql+psycopg://sip@127.0.0.1:{_unused_port()}/sip"
    command = [
        str(BIN / "gunicorn"),
        "--config",
        "deploy/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{_unused_port()}",
        "wsgi:app",
    ]
    _assert_one_clear_line(_run(command, url), "127.0.0.1")


def test_create_app_checks_the_database_when_asked() -> None:
    url = f"postgresql+psycopg://sip@127.0.0.1:{_unused_port()}/sip"
    settings = {"SURVEY_ENV": "testing", "SURVEY_DATABASE_URL": url, "SURVEY_CHECK_DATABASE": True}
    with pytest.raises(DatabaseUnavailable, match="Connection refused"):
        create_app(settings)
