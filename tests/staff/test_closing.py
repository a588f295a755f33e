"""Admins close a window (as `flask campaign close` does) and extend one, from the staff pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey_app.domain import lifecycle
from survey_app.extensions import db
from survey_app.models import (
    AuditEvent,
    Campaign,
    CampaignState,
    Invitation,
    MessageKind,
    MessageState,
    OutboxMessage,
    User,
    utcnow,
)
from survey_app.staff.admin_forms import to_local


@pytest.fixture
def admin(staff_client: Callable[..., FlaskClient]) -> FlaskClient:
    return staff_client("admin")


@pytest.fixture
def running(make_campaign: Callable, make_invitation: Callable) -> Campaign:
    """An open window with one invitation whose SMS waits in the outbox."""
    ends = (utcnow() + timedelta(days=30)).replace(second=0, microsecond=0)
    campaign = make_campaign(name="Hösten 2026", closes_at=ends)
    invitation = make_invitation(meeting=None, campaign=campaign)
    db.session.add(OutboxMessage(invitation=invitation, kind=MessageKind.INVITE))
    db.session.commit()
    return campaign


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_the_window_page_offers_extend_and_close(admin: FlaskClient, running: Campaign) -> None:
    page = _text(admin.get(f"/staff/campaigns/{running.id}"))
    assert f'href="/staff/campaigns/{running.id}/extend"' in page
    assert f'href="/staff/campaigns/{running.id}/close"' in page


def test_closing_warns_first_and_a_get_changes_nothing(
    admin: FlaskClient, running: Campaign
) -> None:
    page = _text(admin.get(f"/staff/campaigns/{running.id}/close"))
    for words in (
        "Perioden ska vara öppen till",
        "Att stänga går inte att ångra.",
        "Alla telefonnummer och påbörjade svar raderas för gott.",
        "Ja, stäng perioden nu",
    ):
        assert words in page
    db.session.expire_all()
    assert db.session.get_one(Campaign, running.id).state is CampaignState.OPEN


def test_closing_does_what_the_command_does_and_says_so(
    admin: FlaskClient, running: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, User | None, bool]] = []
    real = lifecycle.close_campaign

    def spy(campaign_id: int, now: datetime, actor: User | None = None, *, manual: bool = False):
        calls.append((campaign_id, actor, manual))
        return real(campaign_id, now, actor, manual=manual)

    from survey_app.staff import closing

    monkeypatch.setattr(closing, "close_campaign", spy)
    response = admin.post(f"/staff/campaigns/{running.id}/close", follow_redirects=True)
    page = _text(response)
    assert calls == [(running.id, admin.user, True)]  # type: ignore[attr-defined]
    assert (
        "Perioden är stängd: 1 sms stoppade, 0 påbörjade svar räknade och raderade, "
        "1 telefonnummer raderade." in page
    )
    assert "Rapporten är klar och finns under Resultat." in page
    db.session.expire_all()
    assert db.session.get_one(Campaign, running.id).state is CampaignState.ANALYSED
    assert db.session.scalar(sa.select(Invitation.phone)) is None
    assert db.session.scalar(sa.select(OutboxMessage.state)) is MessageState.CANCELLED
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "campaign_closed"))
    assert event is not None
    assert event.actor_id == admin.user.id  # type: ignore[attr-defined]
    assert event.details["early"] is True
    # Twice changes nothing, and says so.
    again = _text(admin.post(f"/staff/campaigns/{running.id}/close", follow_redirects=True))
    assert "Perioden var redan stängd. Inget ändrades." in again
    assert "Perioden är redan stängd." in _text(
        admin.get(f"/staff/campaigns/{running.id}/close", follow_redirects=True)
    )


def test_a_failed_report_is_said_and_can_be_made_again(
    admin: FlaskClient, running: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(campaign_id: int) -> object:
        raise OSError("disken är full")

    monkeypatch.setattr(lifecycle, "replace_report", broken)
    page = _text(admin.post(f"/staff/campaigns/{running.id}/close", follow_redirects=True))
    assert "Rapporten kunde inte göras (OSError: disken är full). Perioden är stängd ändå." in page
    assert "Gör rapporten igen" in page
    monkeypatch.undo()
    page = _text(admin.post(f"/staff/campaigns/{running.id}/close", follow_redirects=True))
    assert "Rapporten är klar" in page
    db.session.expire_all()
    assert db.session.get_one(Campaign, running.id).state is CampaignState.ANALYSED


def test_only_admins_close_and_a_forged_post_needs_the_csrf_token(
    staff_client: Callable[..., FlaskClient], running: Campaign, app_factory: Callable
) -> None:
    coordinator = staff_client("coordinator", teams=("HLT Åsele",))
    assert coordinator.post(f"/staff/campaigns/{running.id}/close").status_code == 403
    assert staff_client("analyst").post(f"/staff/campaigns/{running.id}/close").status_code == 403
    db.session.expire_all()
    assert db.session.get_one(Campaign, running.id).state is CampaignState.OPEN


def _extend(client: FlaskClient, campaign: Campaign, closes_at: str) -> object:
    return client.post(
        f"/staff/campaigns/{campaign.id}/extend",
        data={"closes_at": closes_at},
        follow_redirects=True,
    )


def test_extending_moves_the_end_and_is_audited(admin: FlaskClient, running: Campaign) -> None:
    before = running.closes_at
    later = (to_local(before) + timedelta(days=14)).replace(second=0, microsecond=0)
    page = _text(_extend(admin, running, later.strftime("%Y-%m-%dT%H:%M")))
    assert f"Perioden är förlängd till {later:%Y-%m-%d %H:%M}." in page
    db.session.expire_all()
    campaign = db.session.get(Campaign, running.id)
    assert campaign is not None
    assert to_local(campaign.closes_at) == later
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "campaign_extended"))
    assert event is not None
    assert event.details == {
        "closes_at": [before.isoformat(), campaign.closes_at.astimezone(UTC).isoformat()]
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "Ange när perioden ska stänga, till exempel 2027-06-30 23:59."),
        ("30 juni", "Skriv datum och tid som 2027-05-31 23:59."),
        ("EARLIER", "Det nya slutet måste ligga efter det nuvarande"),
        ("SAME", "Det nya slutet måste ligga efter det nuvarande"),
        ("2207-05-31T23:59", "Det nya slutet får ligga högst ett år fram i tiden."),
    ],
)
def test_a_bad_new_end_is_explained_and_changes_nothing(
    admin: FlaskClient, running: Campaign, typed: str, expected: str
) -> None:
    current = to_local(running.closes_at)
    typed = {
        "EARLIER": (current - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "SAME": current.strftime("%Y-%m-%dT%H:%M"),
    }.get(typed, typed)
    response = admin.post(f"/staff/campaigns/{running.id}/extend", data={"closes_at": typed})
    assert response.status_code == 200
    page = _text(response)
    assert expected in page
    assert 'role="alert"' in page
    db.session.expire_all()
    assert db.session.get_one(Campaign, running.id).closes_at == running.closes_at


def test_a_closed_window_cannot_be_extended(admin: FlaskClient, make_campaign: Callable) -> None:
    closed = make_campaign(
        state=CampaignState.CLOSED,
        opens_at=utcnow() - timedelta(days=60),
        closes_at=utcnow() - timedelta(days=1),
    )
    page = _text(admin.get(f"/staff/campaigns/{closed.id}"))
    assert "/extend" not in page
    assert "/close" in page  # its report was never made: "make the report again"
    response = _extend(admin, closed, "2099-01-01T00:00")
    assert "En stängd period kan inte förlängas." in _text(response)
    db.session.expire_all()
    assert db.session.get_one(Campaign, closed.id).closes_at == closed.closes_at
