"""Migration 0007 brings a window released before it into the six-attribute release.

A closed window released at 0006 has no attendance on its answers: they become "*", and each
released cell is copied for every attendance a meeting can have, each released as "*", so the
window's invitations still find their released class and its figures stay as they were.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade

from survey_app.domain.release import window_groups
from survey_app.extensions import db
from survey_app.ops import migrations
from tests.ops.migrated import app_at_revision

#: Each test migrates a database of its own to an earlier revision, on the test server.
pytestmark = pytest.mark.database

NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
RELEASED = ("*", "*", "*", "*")


@pytest.fixture
def database_at_0006(tmp_path: Path) -> Iterator[Flask]:
    with app_at_revision(tmp_path, "0006") as app:
        yield app


def _insert(table: str, returning: bool = True, **values: object) -> int:
    columns = ", ".join(values)
    names = ", ".join(f":{name}" for name in values)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({names})"  # noqa: S608
    result = db.session.execute(sa.text(sql + (" RETURNING id" if returning else "")), values)
    return int(result.scalar_one()) if returning else 0


def _closed_window_released_at_0006() -> int:
    team, area, town = db.session.execute(
        sa.text(
            "SELECT t.id, a.name, m.name FROM teams t"
            " JOIN municipalities m ON m.id = t.municipality_id JOIN areas a ON a.id = m.area_id"
            " WHERE t.name = 'HLT Umeå'"
        )
    ).one()
    window = _insert(
        "campaigns",
        name="Stängt",
        opens_at=NOW - timedelta(days=60),
        closes_at=NOW - timedelta(days=1),
        state="closed",
        reminder_count=1,
        reminder_delay_days=4,
        reminders_sent=0,
        quiet_from="21:00:00",
        quiet_until="08:00:00",
        created_at=NOW - timedelta(days=61),
        closed_at=NOW - timedelta(days=1),
    )
    for attended in ("yes", "partly"):
        meeting = _insert(
            "meetings",
            campaign_id=window,
            team_id=team,
            held_on=NOW.date(),
            age_band="6-11",
            child_attended=attended,
            created_at=NOW,
        )
        invitation = _insert(
            "invitations",
            meeting_id=meeting,
            role="guardian",
            questionnaire_key="sip-guardian",
            language="sv",
            created_at=NOW,
            sent_at=NOW,
        )
        _insert("links", returning=False, token_hash=os.urandom(32).hex(), invitation_id=invitation)
    fine = {"age_band": "6-11", "area": area, "municipality": town, "language_group": "sv"}
    _insert(
        "released_cells",
        returning=False,
        campaign_id=window,
        role="guardian",
        **fine,
        **{f"released_{name}": "*" for name in fine},
    )
    for _ in range(2):
        _insert(
            "responses",
            returning=False,
            id=os.urandom(16).hex(),
            campaign_id=window,
            questionnaire_key="sip-guardian",
            questionnaire_version=1,
            role="guardian",
            age_band="*",
            area="*",
            municipality="*",
            language_group="*",
        )
    db.session.commit()
    return window


def test_a_window_released_before_keeps_its_figures(database_at_0006: Flask) -> None:
    window = _closed_window_released_at_0006()
    migrations.upgrade()
    cells = db.session.execute(
        sa.text(
            "SELECT child_attended, released_child_attended, released_area FROM released_cells"
            " ORDER BY child_attended"
        )
    ).all()
    assert [tuple(row) for row in cells] == [
        ("no", "*", "*"),
        ("partly", "*", "*"),
        ("yes", "*", "*"),
    ]
    attendance = db.session.scalars(sa.text("SELECT child_attended FROM responses")).all()
    assert attendance == ["*", "*"]
    groups = window_groups(window, 2)
    top = ("guardian", *RELEASED, "*")
    assert groups.answered == {top: 2}
    assert {groups.release.released(row.cell) for row in groups.invitations} == {top}
    assert groups.services == {}
    db.session.rollback()  # on PostgreSQL a read's open transaction would block the DROP
    # As if released after 0007: one copy kept its area. Going back keeps the safe copy.
    db.session.execute(
        sa.text(
            "UPDATE released_cells SET released_area = area, released_age_band = age_band"
            " WHERE child_attended = 'yes'"
        )
    )
    db.session.commit()

    downgrade(revision="0006")
    rows = db.session.execute(sa.text("SELECT role, released_area FROM released_cells")).all()
    assert [tuple(row) for row in rows] == [("guardian", "*")]
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("responses")}
    assert "child_attended" not in columns
