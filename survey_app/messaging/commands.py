"""`flask sms send-due` and `flask worker`: the outbox leaves through these.

The worker logs one line per job (counts only: no numbers, no texts, no links) and stops
cleanly on SIGTERM/SIGINT: it finishes the message in hand, then exits 0.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from types import FrameType

import click
from flask import Flask

from survey_app.extensions import db
from survey_app.messaging.gateways import gateway_for
from survey_app.messaging.outbox import SendSummary, send_due
from survey_app.models import utcnow

log = logging.getLogger(__name__)


@click.group("sms")
def sms_group() -> None:
    """The SMS outbox."""


@sms_group.command("send-due")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
def send_due_command(limit: int | None) -> None:
    """Send every message that is due now, once, and print what happened."""
    gateway = gateway_for()
    try:
        summary = send_due(gateway, limit=limit)
    finally:
        gateway.close()
    click.echo(f"SMS: {summary.line()}")


class StopSignal:
    """Set by SIGTERM/SIGINT; the loop checks it between messages and while waiting."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self) -> bool:
        return self.event.is_set()

    def install(self) -> None:
        def handle(signum: int, frame: FrameType | None) -> None:
            self.event.set()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)


def _lifecycle_jobs() -> str | None:
    """Open and close windows that are due, if the lifecycle feature is installed."""
    try:
        lifecycle = importlib.import_module("survey_app.domain.lifecycle")
    except ModuleNotFoundError:
        return None
    jobs = lifecycle.run_due_jobs(utcnow())
    return f"opened {len(jobs.opened)}, closed {len(jobs.closed)}"


def run_round(stop: StopSignal) -> SendSummary:
    """One round of the worker: lifecycle jobs first (a closed window sends nothing), then SMS."""
    try:
        jobs = _lifecycle_jobs()
        if jobs is not None:
            log.info("worker: windows: %s", jobs)
    except Exception:  # a failing job must not stop the SMS from going out
        db.session.rollback()
        log.exception("worker: window jobs failed")
    gateway = gateway_for()
    try:
        summary = send_due(gateway, should_stop=stop)
    finally:
        gateway.close()
    log.info("worker: sms: %s", summary.line())
    return summary


@click.command("worker")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds between rounds.",
)
@click.option("--once", is_flag=True, help="Run one round and exit.")
def worker_command(interval: float, once: bool) -> None:
    """Send due SMS and run due window jobs every --interval seconds until stopped."""
    stop = StopSignal()
    stop.install()
    click.echo(f"worker: started, a round every {interval:g} s")
    while not stop():
        try:
            summary = run_round(stop)
            click.echo(f"worker: {summary.line()}")
        except Exception:  # keep the worker alive through a database hiccup; the row waits
            db.session.rollback()
            log.exception("worker: round failed")
        finally:
            db.session.remove()
        if once:
            break
        stop.event.wait(interval)
    click.echo("worker: stopped")


def init_messaging_commands(app: Flask) -> None:
    app.cli.add_command(sms_group)
    app.cli.add_command(worker_command)
