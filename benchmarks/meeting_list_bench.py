"""The staff meeting list with 50 and with 5,000 meetings: does paging and searching stay flat?

    .venv/bin/python benchmarks/meeting_list_bench.py [--repeats 25] [--postgres URL]

For each size: a fresh database built by the migrations (SQLite in a scratch folder, or a new
database on the PostgreSQL server of --postgres), one open window with N meetings spread over
every team and a year of dates, 1–3 invitations each with their invitation SMS in realistic
states (and the reminders a real window has). Then, in-process with the Flask test client
(one admin and one coordinator logged in), each request is timed `--repeats` times after a
warm-up; the tables give the median wall time and the median CPU time of the process (the
app and, for SQLite, the database engine: the figure a busy machine disturbs least) per
request, and the ratios 5,000 ÷ 50.

The download is listed too, but it is meant to grow with the meetings it holds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from benchmarks.common import fresh_postgres_database, machine  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.accounts.passwords import hash_password  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.models import (  # noqa: E402
    AgeBand,
    Campaign,
    CampaignState,
    ChildAttended,
    Invitation,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    Role,
    StaffRole,
    Team,
    User,
    utcnow,
)
from survey_app.ops import migrations  # noqa: E402

SIZES = (50, 5000)
PASSWORD = "benchmark password, long enough"  # noqa: S105  (a throwaway scratch database)
#: Invitation SMS states, roughly as a window in progress has them.
STATES = [MessageState.DELIVERED] * 85 + [MessageState.SENT] * 8 + [MessageState.FAILED] * 3
STATES += [MessageState.QUEUED] * 3 + [MessageState.CANCELLED] * 1


def _fill(meetings: int, seed: int = 7) -> dict[str, Any]:
    """N meetings in one open window; returns ids the requests need."""
    rng = random.Random(seed)
    now = utcnow()
    campaign = Campaign(
        name="Benchmark",
        opens_at=now - timedelta(days=200),
        closes_at=now + timedelta(days=165),
        state=CampaignState.OPEN,
    )
    db.session.add(campaign)
    db.session.flush()
    teams = db.session.scalars(sa.select(Team).order_by(Team.id)).all()
    first_day = date(2026, 1, 1)
    meeting_rows = [
        {
            "campaign_id": campaign.id,
            "team_id": rng.choice(teams).id,
            "held_on": first_day + timedelta(days=rng.randrange(330)),
            "age_band": rng.choice(list(AgeBand)),
            "child_attended": ChildAttended.YES,
            "created_at": now,
        }
        for _ in range(meetings)
    ]
    db.session.execute(sa.insert(Meeting), meeting_rows)
    meeting_ids = list(db.session.scalars(sa.select(Meeting.id).order_by(Meeting.id)))
    invitation_rows = []
    for meeting_id in meeting_ids:
        for number in range(rng.choice((1, 2, 2, 3))):
            invitation_rows.append(
                {
                    "meeting_id": meeting_id,
                    "role": Role.GUARDIAN if number < 2 else Role.CHILD,
                    "questionnaire_key": "sip-guardian" if number < 2 else "sip-child",
                    "language": rng.choice(("sv",) * 8 + ("ar", "so")),
                    "phone": "+46701740605",
                    "created_at": now,
                }
            )
    db.session.execute(sa.insert(Invitation), invitation_rows)
    invitation_ids = list(db.session.scalars(sa.select(Invitation.id).order_by(Invitation.id)))
    messages = []
    for invitation_id in invitation_ids:
        state = rng.choice(STATES)
        sent = state in (MessageState.SENT, MessageState.DELIVERED)
        common = {"invitation_id": invitation_id, "segments": 1}
        messages.append(
            {
                **common,
                "kind": MessageKind.INVITE,
                "sequence": 0,
                "state": state,
                "sent_at": now if sent else None,
                "next_attempt_at": now,
            }
        )
        messages.append(
            {
                **common,
                "kind": MessageKind.REMINDER,
                "sequence": 1,
                "state": MessageState.QUEUED,
                "sent_at": None,
                "next_attempt_at": now + timedelta(days=4),
            }
        )
    db.session.execute(sa.insert(OutboxMessage), messages)
    umea = db.session.scalar(sa.select(Team).where(Team.name == "HLT Umeå"))
    assert umea is not None
    password_hash = hash_password(PASSWORD)
    db.session.add_all(
        [
            User(email="admin@bench.se", password_hash=password_hash, role=StaffRole.ADMIN),
            User(
                email="samordnare@bench.se",
                password_hash=password_hash,
                role=StaffRole.COORDINATOR,
                teams=[umea],
            ),
        ]
    )
    db.session.commit()
    return {
        "team": umea.id,
        "meeting": meeting_ids[len(meeting_ids) // 2],
        "pages": -(-meetings // 50),
    }


def _requests(ids: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, who, path): the same requests for every size."""
    return [
        ("list, first page", "admin", "/staff/meetings"),
        ("list, page 2", "admin", "/staff/meetings?page=2"),
        ("list, last page", "admin", f"/staff/meetings?page={ids['pages']}"),
        ("list, oldest first", "admin", "/staff/meetings?sort=oldest"),
        (
            "search: team + dates",
            "admin",
            f"/staff/meetings?team={ids['team']}&held_from=2026-03-01&held_to=2026-09-30",
        ),
        ("search: SMS failed", "admin", "/staff/meetings?status=failed"),
        ("search: all delivered", "admin", "/staff/meetings?status=delivered"),
        ("search: all windows", "admin", "/staff/meetings?period="),
        ("coordinator, own team", "coordinator", "/staff/meetings"),
        ("one meeting", "admin", f"/staff/meetings/{ids['meeting']}"),
        ("CSV of everything (grows with N)", "admin", "/staff/meetings.csv?period="),
    ]


def _rows_shown(response: Any) -> int:
    """Meetings on a list page, invitations in a CSV (so pages of unequal length are seen)."""
    text = response.get_data(as_text=True)
    if response.mimetype == "text/csv":
        return len(text.splitlines()) - 1
    return text.count('<td><a href="/staff/meetings/')


def measure(size: int, database_url: str, repeats: int) -> dict[str, tuple[float, float, int]]:
    app = create_app(
        {
            "SURVEY_ENV": "testing",
            "SECRET_KEY": "benchmark",
            "SURVEY_DATABASE_URL": database_url,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    results: dict[str, tuple[float, float, int]] = {}
    with app.app_context():
        migrations.upgrade()
        ids = _fill(size)
        clients = {}
        for who, email in (("admin", "admin@bench.se"), ("coordinator", "samordnare@bench.se")):
            client = app.test_client()
            response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            clients[who] = client
        for label, who, path in _requests(ids):
            client = clients[who]
            for _ in range(3):  # warm-up: templates compiled, caches filled
                assert client.get(path).status_code == 200, path
            wall, cpu = [], []
            for _ in range(repeats):
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                cpu.append(time.process_time() - start_cpu)
                wall.append(time.perf_counter() - start)
                assert response.status_code == 200, path
            results[label] = (
                statistics.median(wall) * 1000,
                statistics.median(cpu) * 1000,
                _rows_shown(response),
            )
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is made")
    arguments = parser.parse_args()
    print(machine(), flush=True)
    measured: dict[int, dict[str, tuple[float, float, int]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in SIZES:
            if arguments.postgres:
                url = fresh_postgres_database(arguments.postgres, f"sip_meeting_list_{size}")
            else:
                url = f"sqlite:///{Path(scratch) / f'list-{size}.sqlite3'}"
            measured[size] = measure(size, url, arguments.repeats)
    small, large = SIZES
    database = "PostgreSQL" if arguments.postgres else "SQLite"
    print(f"\n{database}, median of {arguments.repeats} requests each, ms (wall / CPU)\n")
    print(f"| request | rows shown | {small:,}: wall | {large:,}: wall | ratio ", end="")
    print(f"| {small:,}: CPU | {large:,}: CPU | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for label in measured[small]:
        (wall_a, cpu_a, rows_a) = measured[small][label]
        (wall_b, cpu_b, rows_b) = measured[large][label]
        print(
            f"| {label} | {rows_a} / {rows_b} | {wall_a:.1f} | {wall_b:.1f} "
            f"| × {wall_b / wall_a:.2f} | {cpu_a:.1f} | {cpu_b:.1f} | × {cpu_b / cpu_a:.2f} |"
        )


if __name__ == "__main__":
    main()
