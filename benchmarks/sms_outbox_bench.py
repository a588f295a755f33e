"""How many SMS per second the outbox hands to a loopback fake 46elks (median of runs).

    .venv/bin/python benchmarks/sms_outbox_bench.py [--messages 500] [--runs 3]

Each run: a fresh SQLite database built by the migrations, N invitations with their SMS
queued (as registering meetings does), then one `send_due` through the real 46elks gateway
(httpx, HTTP Basic, form post) to a ThreadingHTTPServer on 127.0.0.1 that answers like 46elks.
The throttle is lifted (SMS_RATE_PER_SECOND=100000) to measure the outbox itself: claim,
commit, request, record. In production the throttle (default 5/s) is the limit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from survey_app import create_app  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.messaging.gateways import gateway_for  # noqa: E402
from survey_app.messaging.outbox import queue_messages, send_due  # noqa: E402
from survey_app.models import (  # noqa: E402
    AgeBand,
    Campaign,
    CampaignState,
    ChildAttended,
    Invitation,
    Meeting,
    Role,
    Team,
)
from survey_app.ops import migrations  # noqa: E402
from tests.messaging.providers import Fake46elks  # noqa: E402


def one_run(messages: int) -> float:
    server = Fake46elks("bench", "bench-password").start()
    with tempfile.TemporaryDirectory() as directory:
        app = create_app(
            {
                "SURVEY_ENV": "testing",
                "SECRET_KEY": "benchmark",
                "SURVEY_DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
                "SURVEY_BASE_URL": "https://sip.example.se",
                "SMS_GATEWAY": "46elks",
                "ELKS_API_URL": f"{server.url}/a1",
                "ELKS_API_USER": "bench",
                "ELKS_API_PASSWORD": "bench-password",
                "SMS_SENDER": "RegionVbtn",
                "SMS_RATE_PER_SECOND": "100000",
            }
        )
        with app.app_context():
            migrations.upgrade()
            now = datetime.now(UTC)
            campaign = Campaign(
                name="Bench",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=30),
                state=CampaignState.OPEN,
                reminder_count=0,
                reminder_delay_days=4,
            )
            team = db.session.scalar(db.select(Team).where(Team.name == "HLT Umeå"))
            meeting = Meeting(
                campaign=campaign,
                team=team,
                held_on=now.date(),
                age_band=AgeBand.YOUTH,
                child_attended=ChildAttended.YES,
            )
            db.session.add(meeting)
            for number in range(messages):
                invitation = Invitation(
                    meeting=meeting,
                    role=Role.GUARDIAN,
                    questionnaire_key="sip-guardian",
                    phone=f"+4670174{number:04d}",
                )
                db.session.add(invitation)
                # The link is made when the SMS is sent, inside send_due.
                queue_messages(invitation, campaign=campaign)
            db.session.commit()
            # Send in quiet-free daytime regardless of when the benchmark runs.
            noon = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
            noon += timedelta(hours=11)
            gateway = gateway_for()
            started = time.perf_counter()
            summary = send_due(gateway, now=noon)
            elapsed = time.perf_counter() - started
            gateway.close()
            db.session.remove()
            db.engine.dispose()
    server.stop()
    assert summary.sent == messages, summary
    assert len(server.received) == messages
    return messages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    rates = [one_run(arguments.messages) for _ in range(arguments.runs)]
    print(
        f"outbox → loopback 46elks: {statistics.median(rates):.0f} messages/s "
        f"(median of {arguments.runs} runs of {arguments.messages}; "
        f"runs: {', '.join(f'{rate:.0f}' for rate in rates)})"
    )


if __name__ == "__main__":
    main()
