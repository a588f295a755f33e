"""The submit as one statement on PostgreSQL, raced for real: against a close, and against itself.

The submit's writes go to PostgreSQL as one statement outside a transaction
(survey_app.domain.transactions). These tests hold a real close open on another connection, let
submits run into it on their own threads and connections, and check what is stored. (On SQLite
one writer at a time makes these races impossible; the same promises are checked there
sequentially in test_family_path.py.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from survey_app.domain import sealing
from survey_app.domain.answering import ANSWERED, DRAFT, SubmitOutcome, submit
from survey_app.extensions import db
from survey_app.models import Campaign, CampaignState, Draft, LinkMark, SealedResponse, utcnow
from survey_app.questionnaires import get_questionnaire

ANSWERS = {"G0": "1"}


@pytest.fixture(autouse=True)
def _postgresql_only(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race needs two writers; SQLite has one (checked in order there)")


def _submit_in_thread(app: Flask, invitation_id: int) -> SubmitOutcome:
    with app.app_context():  # its own session, so its own connection
        try:
            return submit(invitation_id, get_questionnaire("sip-guardian"), ANSWERS)
        finally:
            db.session.remove()


def _wait_until_blocked(count: int) -> None:
    """Until `count` submits wait on a lock (the close holds the window's row)."""
    deadline = time.monotonic() + 10
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND query LIKE 'WITH open_window%'"
    )
    with db.engine.connect() as watcher:
        while watcher.execute(query).scalar_one() < count:
            assert time.monotonic() < deadline, "the submits never waited for the close"
            time.sleep(0.02)
            watcher.rollback()


def _waiting_submits(app: Flask, invitation_id: int, count: int) -> list[Future[SubmitOutcome]]:
    """`count` submits of the invitation, each on its own connection, started while the test
    holds an UPDATE of the window's row on another connection; back once all wait on it."""
    pool = ThreadPoolExecutor(count)
    pending = [pool.submit(_submit_in_thread, app, invitation_id) for _ in range(count)]
    pool.shutdown(wait=False)
    _wait_until_blocked(count)
    return pending


def _started(client: Any, make_invitation: Callable[..., Any], begin: Any) -> tuple[int, int]:
    """A respondent with a draft, committed: its invitation and window."""
    invitation = make_invitation()
    begin(client, invitation)
    ids = invitation.id, invitation.meeting.campaign_id
    db.session.commit()
    return ids


def _stored(invitation_id: int) -> tuple[int, bool, bool]:
    """Responses stored, whether the answered mark exists, whether the draft is still there."""
    db.session.rollback()
    responses = db.session.scalar(sa.select(sa.func.count()).select_from(SealedResponse))
    mark = sealing.mark(ANSWERED, invitation_id)
    marked = db.session.scalar(sa.select(sa.exists().where(LinkMark.mark == mark)))
    draft = sealing.mark(DRAFT, invitation_id)
    drafted = db.session.scalar(sa.select(sa.exists().where(Draft.key == draft)))
    return int(responses or 0), bool(marked), bool(drafted)


@pytest.mark.parametrize(
    ("close", "outcome", "stored"),
    [
        # The close commits while the submit waits: the submit sees the window closed.
        ("commit", SubmitOutcome.WINDOW_CLOSED, (0, False, True)),
        # The close is rolled back: the submit goes on and stores the answer.
        ("rollback", SubmitOutcome.STORED, (1, True, False)),
    ],
)
def test_a_submit_waits_for_a_close_in_progress_and_then_obeys_it(
    app: Flask,
    client: Any,
    make_invitation: Callable[..., Any],
    begin: Callable[..., None],
    close: str,
    outcome: SubmitOutcome,
    stored: tuple[int, bool, bool],
) -> None:
    invitation_id, campaign_id = _started(client, make_invitation, begin)
    with db.engine.connect() as closer:
        closer.execute(
            sa.update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(state=CampaignState.CLOSED, closed_at=utcnow())
        )
        (pending,) = _waiting_submits(app, invitation_id, 1)
        getattr(closer, close)()
        assert pending.result(timeout=10) is outcome
    assert _stored(invitation_id) == stored


def test_two_submits_at_the_same_moment_store_one_response(
    app: Flask, client: Any, make_invitation: Callable[..., Any], begin: Callable[..., None]
) -> None:
    invitation_id, campaign_id = _started(client, make_invitation, begin)
    with db.engine.connect() as gate:
        # Both submits queue behind a row lock, and are let go together.
        gate.execute(
            sa.update(Campaign).where(Campaign.id == campaign_id).values(name=Campaign.name)
        )
        pending = _waiting_submits(app, invitation_id, 2)
        gate.rollback()
        outcomes = sorted(future.result(timeout=10) for future in pending)
    assert outcomes == [SubmitOutcome.ALREADY_COMPLETED, SubmitOutcome.STORED]
    assert _stored(invitation_id) == (1, True, False)
