"""Collection windows in the staff area: Swedish time in, aware UTC stored, clear messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEvent, Campaign, CampaignState, utcnow

NEW = {
    "name": "SIP-uppföljning 2027",
    "opens_at": "2027-03-01T08:00",  # winter time: UTC+1
    "closes_at": "2027-05-31T23:59",  # summer time: UTC+2
    "reminder_count": "1",
    "reminder_delay_days": "4",
}


def test_admin_creates_a_window_in_swedish_time_stored_as_utc(staff_client: Callable) -> None:
    client = staff_client("admin")
    response = client.post("/staff/campaigns/new", data=NEW)
    assert response.status_code == 302
    campaign = db.session.scalar(sa.select(Campaign))
    assert campaign is not None
    assert campaign.state == CampaignState.DRAFT
    assert campaign.opens_at == datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
    assert campaign.closes_at == datetime(2027, 5, 31, 21, 59, tzinfo=UTC)
    listing = client.get("/staff/campaigns").get_data(as_text=True)
    assert "2027-03-01 08:00" in listing
    assert "2027-05-31 23:59" in listing
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "campaign_created"))
    assert event is not None
    assert event.object_id == str(campaign.id)
    assert event.actor_id == client.user.id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2027-02-28T08:00"}, "Perioden måste stänga efter att den öppnar"),
        ({"closes_at": "2027-03-01T08:00"}, "Perioden måste stänga efter att den öppnar"),
        ({"name": ""}, "Skriv ett namn."),
        ({"name": "x" * 121}, "Namnet får ha högst 120 tecken."),
        ({"opens_at": "1 mars"}, "Skriv datum och tid som 2026-12-01 08:00."),
        ({"reminder_count": "7"}, "mellan 0 och 3"),
        ({"reminder_delay_days": "noll"}, "Skriv antalet dagar som en siffra."),
    ],
)
def test_bad_input_gets_a_message_and_the_form_keeps_what_was_typed(
    staff_client: Callable, changes: dict[str, str], message: str
) -> None:
    client = staff_client("admin")
    posted = {**NEW, **changes}
    response = client.post("/staff/campaigns/new", data=posted)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'role="alert"' in page
    kept = posted["name"] if len(posted["name"]) <= 120 else "x" * 121
    assert f'value="{kept}"' in page or posted["name"] == ""
    assert 'value="2027-05-31T23:59"' in page or "closes_at" in changes
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


def test_a_window_can_be_edited_until_it_opens(
    staff_client: Callable, make_campaign: Callable
) -> None:
    client = staff_client("admin")
    future = utcnow() + timedelta(days=10)
    campaign = make_campaign(
        state=CampaignState.DRAFT, opens_at=future, closes_at=future + timedelta(days=30)
    )
    page = client.get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'name="opens_at"' in page
    response = client.post(f"/staff/campaigns/{campaign.id}", data={**NEW, "name": "Nytt namn"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get_one(Campaign, campaign.id).name == "Nytt namn"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "campaign_changed"))
    assert event is not None
    assert event.details["changes"]["name"] == ["Testfönster", "Nytt namn"]


def test_an_opened_window_is_shown_but_not_changed(
    staff_client: Callable, make_campaign: Callable
) -> None:
    client = staff_client("admin")
    campaign = make_campaign(state=CampaignState.OPEN)
    page = client.get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
    assert "kan inte längre ändras" in page
    assert 'name="opens_at"' not in page
    response = client.post(f"/staff/campaigns/{campaign.id}", data={**NEW, "name": "Hack"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get_one(Campaign, campaign.id).name == "Testfönster"


def test_unknown_window_is_a_staff_404(staff_client: Callable) -> None:
    response = staff_client("admin").get("/staff/campaigns/9999")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)
