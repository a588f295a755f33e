"""Opening and closing windows: closing freezes the data once; a second close changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from survey_app.domain.lifecycle import (
    UnknownCampaign,
    close_campaign,
    close_due_campaigns,
    open_due_campaigns,
    run_due_jobs,
)
from survey_app.models import (
    AuditEvent,
    Campaign,
    CampaignState,
    Draft,
    LinkMark,
    MessageKind,
    MessageState,
    OutboxMessage,
    Response,
    SealedResponse,
    StaffRole,
    User,
    utcnow,
)

TABLES = (
    "campaigns",
    "invitations",
    "outbox_messages",
    "drafts",
    "responses",
    "answers",
    "sealed_responses",
    "link_marks",
    "released_cells",
)


def _snapshot(db):
    tables = sa.MetaData()
    tables.reflect(bind=db.engine, only=TABLES)
    return {
        name: sorted(map(tuple, db.session.execute(sa.select(tables.tables[name]))), key=str)
        for name in TABLES
    }


def _message(invitation, kind, sequence, state, **fields):
    return OutboxMessage(
        invitation=invitation,
        kind=kind,
        sequence=sequence,
        state=state,
        **fields,
    )


@pytest.fixture
def busy_window(app, db, make_campaign, make_meeting, make_invitation, respond):
    """One answered, one half-way, one unopened invitation, with SMS in every state."""
    campaign = make_campaign()
    meeting = make_meeting(campaign=campaign)
    answered = make_invitation(meeting=meeting, role="guardian")
    halfway = make_invitation(meeting=meeting, role="child", phone="+46701740606")
    unopened = make_invitation(meeting=meeting, role="guardian", phone="+46701740607")
    now = utcnow()
    db.session.add_all(
        [
            _message(answered, MessageKind.INVITE, 0, MessageState.SENT, sent_at=now),
            _message(halfway, MessageKind.INVITE, 0, MessageState.DELIVERED, sent_at=now),
            _message(halfway, MessageKind.REMINDER, 1, MessageState.QUEUED),
            _message(unopened, MessageKind.INVITE, 0, MessageState.QUEUED),
            _message(unopened, MessageKind.REMINDER, 1, MessageState.QUEUED),
        ]
    )
    db.session.commit()
    respond(answered)
    client = app.test_client()
    client.get(f"/s/{halfway.token}")
    client.post("/s/")
    client.post("/s/q/1", data={"C0": "3"})
    campaign.halfway_client = client
    campaign.halfway = halfway
    return campaign


def test_closing_freezes_the_window(db, busy_window):
    now = utcnow()
    summary = close_campaign(busy_window.id, now)
    assert not summary.already_closed
    assert (summary.messages_cancelled, summary.drafts_discarded, summary.phones_deleted) == (
        3,
        1,
        3,
    )
    assert summary.responses_released == 1
    db.session.expire_all()
    campaign = db.session.get(Campaign, busy_window.id)
    assert campaign.state in (CampaignState.CLOSED, CampaignState.ANALYSED)
    assert campaign.closed_at == now
    assert campaign.drafts_discarded == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0
    phones = db.session.execute(sa.text("SELECT phone FROM invitations")).scalars().all()
    assert phones == [None, None, None]
    # The invitation SMS keep their outcome; the reminders are gone (queued or not, which
    # ones were still waiting would say who had not answered).
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert sorted(m.state.value for m in messages) == ["cancelled", "delivered", "sent"]
    assert {m.kind for m in messages} == {MessageKind.INVITE}
    # The answers are released, and nothing keyed to an invitation is left.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
    for table in (SealedResponse, LinkMark):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == 0


def test_a_second_close_changes_nothing_and_says_so(db, busy_window):
    close_campaign(busy_window.id, utcnow())
    before = _snapshot(db)
    again = close_campaign(busy_window.id, utcnow() + timedelta(hours=1))
    assert again.already_closed
    assert (again.messages_cancelled, again.drafts_discarded, again.phones_deleted) == (0, 0, 0)
    assert _snapshot(db) == before


def test_the_family_gets_the_closed_page_and_no_answer_is_taken(db, busy_window):
    close_campaign(busy_window.id, utcnow())
    client = busy_window.halfway_client
    page = client.post("/s/q/2", data={"C1": "3"}, follow_redirects=True)
    assert "Enkäten är stängd" in page.text
    client.get(f"/s/{busy_window.halfway.token}")
    assert "Enkäten är stängd" in client.get("/s/").text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1


def test_closing_by_hand_is_audited(db, busy_window):
    admin = User(email="admin@example.se", password_hash="x", role=StaffRole.ADMIN)
    db.session.add(admin)
    db.session.commit()
    close_campaign(busy_window.id, utcnow(), actor=admin)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "campaign_closed"))
    assert event is not None
    assert (event.actor_id, event.object_id) == (admin.id, str(busy_window.id))
    assert event.details["drafts_discarded"] == 1


def test_an_unknown_window_cannot_be_closed(app):
    with pytest.raises(UnknownCampaign):
        close_campaign(4711, utcnow())


def test_due_windows_open_and_close_and_others_wait(db, make_campaign):
    now = utcnow()
    due_to_open = make_campaign(state=CampaignState.DRAFT, opens_at=now - timedelta(minutes=1))
    not_yet = make_campaign(state=CampaignState.DRAFT, opens_at=now + timedelta(days=1))
    due_to_close = make_campaign(
        opens_at=now - timedelta(days=10), closes_at=now - timedelta(minutes=1)
    )
    running = make_campaign()
    assert open_due_campaigns(now) == [due_to_open.id]
    closed = close_due_campaigns(now)
    assert [summary.campaign_id for summary in closed] == [due_to_close.id]
    db.session.expire_all()
    states = {c.id: c.state for c in db.session.scalars(sa.select(Campaign))}
    assert states[due_to_open.id] == CampaignState.OPEN
    assert states[not_yet.id] == CampaignState.DRAFT
    assert states[due_to_close.id] in (CampaignState.CLOSED, CampaignState.ANALYSED)
    assert states[running.id] == CampaignState.OPEN
    jobs = run_due_jobs(now)
    assert (jobs.opened, jobs.closed) == ([], [])
    # The clock closing a window is no staff action: nothing for the audit log.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0
