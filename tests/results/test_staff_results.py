"""Results pages: suppressed figures only, coordinators see their own teams, downloads audited."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from survey_app.models import AgeBand, AuditEvent, CampaignState, ChildAttended, Service, utcnow
from survey_app.reporting.reports import live_participation

from .conftest import record_answer


def _cells(page: str, header: str) -> list[str]:
    """The data cells of the table row whose header cell is `header`."""
    row = re.search(rf"<th scope=\"row\">{re.escape(header)}</th>(.*?)</tr>", page, re.S)
    assert row is not None, f"no row {header!r}"
    return [
        re.sub(r"\s+", " ", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


@pytest.fixture
def open_window(db, make_campaign, make_meeting, make_invitation):
    """Umeå 10 invited, 6 answered; Skellefteå 7 and 5; Åsele 2 and 1 (too small to show)."""
    campaign = make_campaign()
    now = utcnow()
    for team, invited, answered in (
        ("HLT Umeå", 10, 6),
        ("HLT Skellefteå", 7, 5),
        ("HLT Åsele", 2, 1),
    ):
        meeting = make_meeting(campaign=campaign, team=team, age_band=AgeBand.YOUTH)
        for number in range(invited):
            invitation = make_invitation(meeting=meeting, role="guardian")
            invitation.sent_at = invitation.delivered_at = now
            if number < answered:
                record_answer(invitation, now)
    db.session.commit()
    return campaign


def test_the_results_list_shows_windows_that_have_opened(staff_client, open_window, make_campaign):
    make_campaign(name="Kommande", state=CampaignState.DRAFT)
    page = staff_client("analyst").get("/staff/results").text
    assert "Testfönster" in page
    assert "Kommande" not in page


def test_an_open_window_shows_live_participation_only(staff_client, open_window):
    page = staff_client("analyst").get(f"/staff/results/{open_window.id}").text
    assert "Perioden pågår" in page
    assert _cells(page, "Alla")[:2] == ["19", "12"]
    # Åsele (2 invited) is too small to stand alone: the release merged it with the smallest
    # neighbour it could, and neither is named; the row still adds up to the total.
    assert "Åsele" not in page
    assert "Skellefteå" not in page
    assert _cells(page, "Område ej angivet")[:2] == ["9", "6"]
    assert _cells(page, "Umeå med krans")[:2] == ["10", "6"]
    assert _cells(page, "Umeå")[:2] == ["10", "6"]
    assert "Så upplevde familjerna" not in page
    assert "Ladda ner" not in page


def test_a_coordinator_sees_own_teams_municipalities_suppressed_the_same_way(
    staff_client, open_window
):
    """Answers are kept by municipality, never by team: a coordinator follows her team
    through its municipality's published row."""
    asele = staff_client("coordinator", teams=("HLT Åsele",))
    page = asele.get(f"/staff/results/{open_window.id}").text
    assert _cells(page, "HLT Åsele (Åsele)") == ["för få"]
    assert "HLT Umeå" not in page
    assert "Umeå" not in page
    umea = staff_client("coordinator", teams=("HLT Umeå",)).get(f"/staff/results/{open_window.id}")
    assert _cells(umea.text, "HLT Umeå (Umeå)")[:2] == ["10", "6"]
    assert "Åsele" not in umea.text


def test_a_coordinator_cannot_download(staff_client, open_window):
    client = staff_client("coordinator", teams=("HLT Umeå",))
    response = client.get(f"/staff/results/{open_window.id}/download/report.html")
    assert response.status_code == 403


def test_nothing_is_downloadable_while_the_window_is_open(staff_client, open_window, db):
    client = staff_client("analyst")
    response = client.get(f"/staff/results/{open_window.id}/download/report.html")
    assert response.status_code == 404
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "exported_data")
        )
        == 0
    )


def test_unknown_windows_and_files_are_not_found(staff_client, open_window):
    client = staff_client("admin")
    assert client.get("/staff/results/999").status_code == 404
    assert client.get(f"/staff/results/{open_window.id}/download/../../etc").status_code == 404
    assert client.get(f"/staff/results/{open_window.id}/charts/x.svg").status_code == 404


def test_a_coordinator_cannot_work_out_a_small_neighbour(
    staff_client, db, make_campaign, make_meeting, make_invitation
):
    """Norsjö is too small, so the release merges it with Skellefteå; Skellefteå's own figure
    would take Norsjö back out of that row, so its coordinator sees "för få"."""
    campaign = make_campaign()
    now = utcnow()
    for team, invited, answered in (
        ("HLT Umeå", 10, 6),
        ("HLT Skellefteå", 10, 6),
        ("HLT Norsjö", 2, 1),
    ):
        meeting = make_meeting(campaign=campaign, team=team, age_band=AgeBand.YOUTH)
        for number in range(invited):
            invitation = make_invitation(meeting=meeting, role="guardian")
            invitation.sent_at = now
            if number < answered:
                record_answer(invitation, now)
    db.session.commit()
    analyst = staff_client("analyst").get(f"/staff/results/{campaign.id}").text
    assert '<th scope="row">Norsjö</th>' not in analyst
    assert _cells(analyst, "Övriga kommuner i Skellefteå/Norsjö")[:2] == ["12", "7"]
    client = staff_client("coordinator", teams=("HLT Skellefteå", "HLT Umeå"))
    page = client.get(f"/staff/results/{campaign.id}").text
    assert _cells(page, "HLT Skellefteå (Skellefteå)") == ["för få"]
    assert _cells(page, "HLT Umeå (Umeå)")[:2] == ["10", "6"]


def test_the_meetings_overview_counts_no_answers_at_all(staff_client, open_window):
    """The overview is about sending: who answered is not stored, and how many answered is
    on the results pages only, under the one small-group rule."""
    asele = staff_client("coordinator", teams=("HLT Åsele",))
    overview = asele.get("/staff/meetings").text
    assert "HLT Åsele" in overview
    for word in ("Besvara", "besvara", "Öppnad", "öppnad", "svarsfrekvens"):
        assert word not in overview


def test_an_open_window_shows_its_live_rates_as_an_inline_chart(staff_client, open_window):
    """Drawn in the page (no script, nothing fetched), with every figure in its text
    alternative, and a hidden group as "för få", never as a bar."""
    page = staff_client("analyst").get(f"/staff/results/{open_window.id}").text
    svg = page[page.index('<svg role="img"') : page.index("</svg>")]
    assert 'aria-labelledby="live-rates-title live-rates-desc"' in svg
    desc = re.search(r'<desc id="live-rates-desc">([^<]*)</desc>', svg)
    assert desc is not None
    participation = live_participation(open_window.id)
    groups = [*participation.by["role"].values(), *participation.by["area"].values()]
    shown = [g for g in groups if not g.suppressed]
    assert shown
    assert desc.group(1).count("för få") == len(groups) - len(shown)
    assert len(re.findall(r"<rect ", svg)) == len(shown)
    for group in shown:
        assert group.rate is not None  # a shown group has its rate
        assert f"{round(group.rate * 100)}" in desc.group(1)
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_an_open_window_shows_participation_by_attendance_and_by_service(
    staff_client, db, make_campaign, make_meeting, make_invitation
):
    """Umeå (child there; social services and school) 10 invited, 6 answered; Skellefteå
    (child not there; social services) 7 and 5; Åsele (child not there; another service) 2
    and 1. Social services' rest of the guardians is Åsele's 2: its row would give them away
    by subtraction from the total, so it is not shown; school's rest is 9 and 6."""
    campaign = make_campaign()
    now = utcnow()
    for team, attended, services, invited, answered in (
        ("HLT Umeå", ChildAttended.YES, (Service.SOCIAL_SERVICES, Service.SCHOOL_HEALTH), 10, 6),
        ("HLT Skellefteå", ChildAttended.NO, (Service.SOCIAL_SERVICES,), 7, 5),
        ("HLT Åsele", ChildAttended.NO, (Service.OTHER,), 2, 1),
    ):
        meeting = make_meeting(
            campaign=campaign,
            team=team,
            age_band=AgeBand.YOUTH,
            child_attended=attended,
            services=services,
        )
        for number in range(invited):
            invitation = make_invitation(meeting=meeting, role="guardian")
            invitation.sent_at = invitation.delivered_at = now
            if number < answered:
                record_answer(invitation, now)
    db.session.commit()
    page = staff_client("analyst").get(f"/staff/results/{campaign.id}").text
    assert _cells(page, "Barnet var med")[:2] == ["10", "6"]
    assert _cells(page, "Barnet var inte med")[:2] == ["9", "6"]
    assert "Per verksamhet: Vårdnadshavare" in page
    assert _cells(page, "Skola och elevhälsa")[:2] == ["10", "6"]
    assert _cells(page, "Socialtjänst") == ["för få"]
    assert _cells(page, "Annan verksamhet") == ["för få"]
