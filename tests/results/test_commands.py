"""`flask campaign list|close` and `flask report`: clear messages, never a traceback."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from survey_app.models import AuditEvent, Campaign, CampaignState, utcnow


def test_list_shows_windows_with_counts(runner, make_invitation):
    invitation = make_invitation()
    result = runner.invoke(args=["campaign", "list"])
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert line.startswith(f"{invitation.meeting.campaign_id}  open")
    assert "inbjudna 1" in line
    assert "svar 0" in line
    assert "Testfönster" in line


def test_list_without_windows_says_so(runner):
    result = runner.invoke(args=["campaign", "list"])
    assert result.exit_code == 0
    assert "inga insamlingsfönster" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["campaign", "close", "999"], "Det finns inget insamlingsfönster med id 999"),
        (["campaign", "close", "abc"], "'abc' is not a valid integer"),
        (["report", "999", "--out", "x"], "Det finns inget insamlingsfönster med id 999"),
        (["report", "1"], "Missing option '--out'"),
    ],
)
def test_bad_input_gets_a_clear_error(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_closing_early_asks_first_and_stops_on_no(runner, db, make_campaign):
    campaign = make_campaign()
    result = runner.invoke(args=["campaign", "close", str(campaign.id)], input="n\n")
    assert result.exit_code != 0
    assert "Stänga nu?" in result.output
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).state == CampaignState.OPEN


def test_close_reports_what_it_did_and_a_second_run_says_already_closed(
    runner, db, make_invitation, tmp_path, app
):
    app.config["REPORTS_DIRECTORY"] = str(tmp_path)
    invitation = make_invitation()
    campaign_id = invitation.meeting.campaign_id
    result = runner.invoke(args=["campaign", "close", str(campaign_id), "--yes"])
    assert f"Insamlingsfönster {campaign_id} är stängt" in result.output
    assert "1 telefonnummer raderade" in result.output
    db.session.expire_all()
    assert db.session.get(Campaign, campaign_id).closed_at is not None
    again = runner.invoke(args=["campaign", "close", str(campaign_id)])
    assert again.exit_code == 0, again.output
    assert "var redan stängt. Inget ändrades." in again.output
    (event,) = db.session.scalars(sa.select(AuditEvent)).all()  # the second run did nothing
    assert (event.action, event.object_id) == ("campaign_closed", str(campaign_id))
    assert event.actor_id is None  # a command line has no staff login
    assert event.details["early"] is True


def test_a_window_past_its_end_closes_without_asking(runner, db, make_campaign, tmp_path, app):
    app.config["REPORTS_DIRECTORY"] = str(tmp_path)
    now = utcnow()
    campaign = make_campaign(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    result = runner.invoke(args=["campaign", "close", str(campaign.id)])
    assert "Stänga nu?" not in result.output
    assert db.session.scalar(sa.select(Campaign.closed_at).where(Campaign.id == campaign.id))
