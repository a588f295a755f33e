"""A family answering over real HTTP, and the server it answers: for tests that need processes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from survey_app import create_app
from survey_app.domain.tokens import hash_token, new_token
from survey_app.extensions import db
from survey_app.models import (
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
from survey_app.ops import migrations

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
#: A complete, attended guardian questionnaire, page by page.
GUARDIAN_PAGES: list[dict[str, str]] = [
    {"G0": "3"},
    {"G1": "4", "G2": "3", "G3": "na", "G4": "2", "G5": "1"},
    {"G6": "4", "G7": "4", "G8": "3", "G9": "na"},
    {"G10": "3", "G11": "4", "G12": "Mer tid till barnet."},
]


def migrated_sqlite_with_invitations(path: Path, count: int) -> list[str]:
    """Build the schema with the migrations and invite `count` guardians; returns their tokens."""
    app = create_app(
        {"SURVEY_ENV": "testing", "SECRET_KEY": "x", "SURVEY_DATABASE_URL": f"sqlite:///{path}"}
    )
    tokens = [new_token() for _ in range(count)]
    with app.app_context():
        migrations.upgrade()
        now = utcnow()
        campaign = Campaign(
            name="Hållbarhet",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            state=CampaignState.OPEN,
        )
        team = db.session.scalar(db.select(Team).where(Team.name == "HLT Umeå"))
        meeting = Meeting(
            campaign=campaign,
            team=team,
            held_on=date(2026, 11, 20),
            age_band=AgeBand.CHILD,
            child_attended=ChildAttended.YES,
        )
        invitations = [
            Invitation(
                meeting=meeting, role=Role.GUARDIAN, questionnaire_key="sip-guardian", language="sv"
            )
            for _ in tokens
        ]
        db.session.add_all(invitations)
        db.session.flush()
        db.session.add_all(
            Link(token_hash=hash_token(token), invitation_id=invitation.id)
            for token, invitation in zip(tokens, invitations, strict=True)
        )
        db.session.commit()
        db.engine.dispose()
    return tokens


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(
    database_url: str, port: int, log: Path, throttle_store: str, workers: int = 2
) -> subprocess.Popen[bytes]:
    """gunicorn with the production settings (deploy/gunicorn.conf.py), in its own session.

    `throttle_store` is a shared counter store (the `redis_url` fixture): production refuses
    per-worker counters."""
    environment = {
        **os.environ,
        "RATELIMIT_STORAGE_URI": throttle_store,
        "SURVEY_ENV": "production",
        "SECRET_KEY": "durability-test-only",
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_BASE_URL": f"http://127.0.0.1:{port}",
        "SIP_BIND": f"127.0.0.1:{port}",
        "SIP_WORKERS": str(workers),
        # Production refuses to start without a real gateway; nothing is sent from the web
        # process, and the address below goes nowhere if it ever were.
        "SMS_GATEWAY": "46elks",
        "SMS_SENDER": "RegionVbtn",
        "ELKS_API_USER": "test",
        "ELKS_API_PASSWORD": "test",
        "ELKS_API_URL": "http://127.0.0.1:9",
    }
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # so the whole group (master and workers) can be killed
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}: {log.read_text()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/s/", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not answer within 60 s")


def _csrf(response: httpx.Response) -> str:
    found = CSRF.search(response.text)
    if found is None:
        raise AssertionError(f"no CSRF token on {response.url}")
    return found.group(1)


def answer_guardian_questionnaire(base_url: str, token: str) -> bool:
    """Walk the whole path as a phone with the page's script does (each POST answered with
    the next page); True when the last POST was answered with the thank-you page."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        page = client.get(f"/s/{token}")
        assert page.status_code == 200, page.text
        last = None
        for number, answers in enumerate(GUARDIAN_PAGES, start=1):
            form = {**answers, "csrf_token": _csrf(page), "action": "next", "js": "1"}
            last = page = client.post(f"/s/q/{number}", data=form)
            assert last.status_code == 200, last.text
        assert last is not None
        return "Tack för dina svar" in last.text
