"""Migration 0003 moves a live database to sealed answers without losing one.

A database is built at the previous head (0002) with the data the old model kept: an open
window with answers, a draft and queued messages carrying links, and a closed window with
answers. After the upgrade every answer is there (sealed, or released in groups), the links
still open their invitations, and nothing names who answered.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from survey_app.domain.answering import has_answered
from survey_app.domain.links import invitation_for_token
from survey_app.domain.tokens import hash_token, new_token
from survey_app.extensions import db
from survey_app.ops import migrations
from tests.answers import draft_of, funnel_counts, submitted
from tests.ops.migrated import app_at_revision

#: Each test migrates a database of its own to an earlier revision, on the test server.
pytestmark = pytest.mark.database

NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def old_database(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database migrated to 0002 only."""
    with app_at_revision(tmp_path, "0002") as app:
        yield app


def _insert(table: str, **values: object) -> int:
    columns = ", ".join(values)
    names = ", ".join(f":{name}" for name in values)
    returned = db.session.execute(
        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({names}) RETURNING id"),  # noqa: S608
        values,
    )
    return int(returned.scalar_one())


def _window(name: str, state: str) -> int:
    closed = NOW if state == "closed" else None
    return _insert(
        "campaigns",
        name=name,
        opens_at=NOW - timedelta(days=30),
        closes_at=NOW + timedelta(days=30),
        state=state,
        reminder_count=1,
        reminder_delay_days=4,
        quiet_from="21:00:00",
        quiet_until="08:00:00",
        created_at=NOW,
        closed_at=closed,
    )


def _invite(meeting: int, role: str, language: str, **times: object) -> tuple[int, str]:
    token = new_token()
    invitation = _insert(
        "invitations",
        meeting_id=meeting,
        role=role,
        questionnaire_key=f"sip-{role}",
        language=language,
        token_hash=hash_token(token),
        phone="+46701740605",
        created_at=NOW,
        reminders_sent=0,
        **times,
    )
    return invitation, token


def _response(campaign: int, team: int, role: str, band: str, language: str) -> str:
    response_id = os.urandom(16).hex()
    db.session.execute(
        sa.text(
            "INSERT INTO responses (id, campaign_id, questionnaire_key, questionnaire_version,"
            " role, age_band, team_id, language, submitted_on) VALUES (:id, :c, :q, 1, :r, :b,"
            " :t, :l, :d)"
        ),
        {
            "id": response_id,
            "c": campaign,
            "q": f"sip-{role}",
            "r": role,
            "b": band,
            "t": team,
            "l": language,
            "d": NOW.date(),
        },
    )
    db.session.execute(
        sa.text("INSERT INTO answers (response_id, item_key, value, text) VALUES (:r, :k, :v, :t)"),
        [
            {"r": response_id, "k": "G0", "v": 3, "t": None},
            {"r": response_id, "k": "G12", "v": None, "t": f"kommentar {response_id[:6]}"},
        ],
    )
    return response_id


def test_every_answer_survives_and_nothing_names_who_answered(old_database: Flask) -> None:
    team = db.session.execute(sa.text("SELECT id FROM teams WHERE name = 'HLT Umeå'")).scalar_one()
    done = {"opened_at": NOW, "started_at": NOW, "completed_at": NOW}

    open_window = _window("Öppet", "open")
    meeting = _insert(
        "meetings",
        campaign_id=open_window,
        team_id=team,
        held_on=NOW.date(),
        age_band="6-11",
        child_attended="yes",
        created_at=NOW,
    )
    answered, answered_token = _invite(meeting, "guardian", "sv", **done)
    halfway, halfway_token = _invite(meeting, "guardian", "ar", opened_at=NOW, started_at=NOW)
    db.session.execute(
        sa.text(
            "INSERT INTO drafts (invitation_id, answers, reached_page, updated_at)"
            " VALUES (:i, :a, 2, :u)"
        ),
        {"i": halfway, "a": '{"G0": "3"}', "u": NOW},
    )
    for invitation, token in ((answered, answered_token), (halfway, halfway_token)):
        for sequence, kind in enumerate(("invite", "reminder")):
            db.session.execute(
                sa.text(
                    "INSERT INTO outbox_messages (invitation_id, kind, sequence, body, segments,"
                    " encoding, state, attempts, next_attempt_at, created_at) VALUES (:i, :k, :s,"
                    " :b, 1, 'GSM-7', 'queued', 0, :n, :n)"
                ),
                {
                    "i": invitation,
                    "k": kind,
                    "s": sequence,
                    "n": NOW,
                    "b": f"Hej! https://enkat.example.se/s/{token} /Region",
                },
            )
    open_response = _response(open_window, team, "guardian", "6-11", "sv")

    closed_window = _window("Stängt", "closed")
    closed_meeting = _insert(
        "meetings",
        campaign_id=closed_window,
        team_id=team,
        held_on=NOW.date(),
        age_band="12-18",
        child_attended="yes",
        created_at=NOW,
    )
    for _ in range(3):
        _invite(closed_meeting, "guardian", "sv", **done)
        _response(closed_window, team, "guardian", "12-18", "sv")
    db.session.commit()

    migrations.upgrade()

    db.session.expire_all()
    # The open window: its answer sealed and whole, the draft kept, the links still working,
    # a link used once stays used.
    (sealed,) = submitted(open_window)
    assert sealed.answers == {"G0": (3, None), "G12": (None, f"kommentar {open_response[:6]}")}
    assert (sealed.team_id, sealed.language, sealed.age_band) == (team, "sv", "6-11")
    assert invitation_for_token(answered_token) == answered
    assert invitation_for_token(halfway_token) == halfway
    assert has_answered(answered)
    assert not has_answered(halfway)
    assert draft_of(halfway) == ({"G0": "3"}, 2)
    assert funnel_counts(open_window) == {("guardian", "opened"): 2, ("guardian", "started"): 2}
    # No message keeps its text (a link), and only queued reminders stay.
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("outbox_messages")}
    assert "body" not in columns
    assert db.session.execute(sa.text("SELECT count(*) FROM outbox_messages")).scalar() == 4

    # The closed window: released in groups, every answer and comment there.
    released = db.session.execute(
        sa.text(
            "SELECT role, age_band, area, municipality, language_group FROM responses"
            " WHERE campaign_id = :c"
        ),
        {"c": closed_window},
    ).all()
    assert len(released) == 3
    assert {tuple(row) for row in released} == {
        ("guardian", "12-18", "Umeå med krans", "Umeå", "sv")
    }
    texts = db.session.execute(
        sa.text(
            "SELECT count(*) FROM answers JOIN responses ON responses.id = answers.response_id"
            " WHERE campaign_id = :c AND text LIKE 'kommentar %'"
        ),
        {"c": closed_window},
    ).scalar()
    assert texts == 3
    # Nothing on the invitations says who opened, started or answered.
    invitation_columns = {c["name"] for c in sa.inspect(db.engine).get_columns("invitations")}
    assert not {"opened_at", "started_at", "completed_at", "token_hash"} & invitation_columns
    assert db.session.execute(sa.text("SELECT count(*) FROM link_marks")).scalar() == 5
