"""`flask sms send-due`, `flask worker` and the demo's queued SMS."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from survey_app.demo import create_demo
from survey_app.extensions import db
from survey_app.models import (
    Campaign,
    CampaignState,
    MessageKind,
    MessageState,
    OutboxMessage,
    utcnow,
)

ROOT = Path(__file__).resolve().parents[2]


def _without_quiet_hours() -> None:
    """Quiet hours from 08:00 to 08:00 are none at all."""
    db.session.execute(sa.update(Campaign).values(quiet_from=time(8), quiet_until=time(8)))
    db.session.commit()


def test_send_due_prints_a_summary_and_sends_each_message_once(runner: FlaskCliRunner) -> None:
    create_demo()
    # The command sends by the wall clock: without this, the test failed from 21:00 to 08:00
    # Swedish time, when the demo window's quiet hours postpone every message.
    _without_quiet_hours()
    first = runner.invoke(args=["sms", "send-due"])
    assert first.exit_code == 0, first.output
    invitations = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.kind == MessageKind.INVITE)
    )
    assert f"SMS: sent {invitations}, failed 0" in first.output
    assert first.output.count("[sms → +46 ••• ••") == invitations
    second = runner.invoke(args=["sms", "send-due"])
    assert "SMS: sent 0, failed 0" in second.output


def test_the_demo_queues_its_sms_once(runner: FlaskCliRunner) -> None:
    create_demo()
    create_demo()
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    keys = {(m.invitation_id, m.kind, m.sequence) for m in messages}
    assert len(keys) == len(messages)
    invites = [m for m in messages if m.kind == MessageKind.INVITE]
    assert invites
    assert all(m.state == MessageState.QUEUED for m in invites)
    assert not hasattr(OutboxMessage, "body")  # composed with a fresh link when sent


def test_worker_once_runs_window_jobs_then_sends(
    runner: FlaskCliRunner, make_campaign: Callable[..., Campaign]
) -> None:
    due_id = make_campaign(
        state=CampaignState.DRAFT,
        opens_at=utcnow() - timedelta(minutes=5),
        closes_at=utcnow() + timedelta(days=30),
        name="Öppnas nu",
    ).id
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "worker: sent 0" in result.output
    assert "worker: stopped" in result.output
    db.session.expire_all()
    assert db.session.get_one(Campaign, due_id).state == CampaignState.OPEN


def test_worker_stops_cleanly_on_sigterm(database_url: str) -> None:
    environment = {
        **os.environ,
        "SURVEY_ENV": "testing",
        "SURVEY_DATABASE_URL": database_url,
        "SMS_GATEWAY": "console",
        "PYTHONUNBUFFERED": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        assert "worker: started" in worker.stdout.readline()
        assert "worker: sent 0" in worker.stdout.readline()  # one round done
        worker.send_signal(signal.SIGTERM)
        output, errors = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, errors
    assert output.rstrip().endswith("worker: stopped")
