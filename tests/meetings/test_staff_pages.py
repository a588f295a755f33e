"""The staff pages: register a meeting, follow invitations, the admin outbox."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey_app.extensions import db
from survey_app.messaging.gateways import ConsoleGateway
from survey_app.messaging.outbox import send_due
from survey_app.models import Invitation, Meeting, OutboxMessage, Team
from tests.clock import daytime

ÅSELE = "HLT Åsele"
UMEÅ = "HLT Umeå"


def team_id(name: str) -> int:
    team = db.session.scalar(sa.select(Team.id).where(Team.name == name))
    assert team is not None, name
    return team


def form(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "team_id": str(team_id(ÅSELE)),
        "held_on": (
            datetime.now(ZoneInfo("Europe/Stockholm")).date() - timedelta(days=1)
        ).isoformat(),
        "age_band": "6-11",
        "child_attended": "partly",
        "services": ["social_services", "school_health"],
        "guardian_1_phone": "070-174 06 05",
        "guardian_1_language": "sv",
        "guardian_2_phone": "070-174 06 07",
        "guardian_2_language": "ar",
        "child_phone": "",
        "child_handover": "1",
        "child_language": "sv",
    }
    values.update(changes)
    return values


@pytest.fixture
def coordinator(staff_client: Callable[..., FlaskClient], make_campaign: Callable) -> FlaskClient:
    make_campaign()
    return staff_client("coordinator", teams=(ÅSELE,))


def test_the_form_has_sensible_defaults(coordinator: FlaskClient) -> None:
    page = coordinator.get("/staff/meetings/new").get_data(as_text=True)
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
    assert f'value="{today}"' in page
    assert re.search(rf'<option selected value="{team_id(ÅSELE)}">{ÅSELE}</option>', page)
    assert UMEÅ not in page  # only the coordinator's own teams


def test_saving_confirms_without_echoing_numbers(coordinator: FlaskClient) -> None:
    response = coordinator.post("/staff/meetings/new", data=form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mötet är registrerat. 3 inbjudningar skickas med sms." in page
    for fragment in ("174 06 05", "1740605", "174 06 07", "1740607", "+4670"):
        assert fragment not in page
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 3
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 6
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting is not None
    assert meeting.registered_by_id == coordinator.user.id  # type: ignore[attr-defined]


def test_a_wrong_number_is_explained_by_its_field_and_nothing_typed_is_lost(
    coordinator: FlaskClient,
) -> None:
    posted = form(guardian_2_phone="070-174 06", child_handover="", child_phone="0701740606")
    response = coordinator.post("/staff/meetings/new", data=posted)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="guardian_2_phone-error"' in page
    error = page.split('id="guardian_2_phone-error">')[1].split("</p>")[0]
    assert "inte ett giltigt svenskt mobilnummer" in error
    assert 'aria-invalid="true"' in page
    assert 'value="070-174 06 05"' in page  # everything typed is still there
    assert 'value="070-174 06"' in page
    assert 'value="0701740606"' in page
    assert re.search(r'<option selected value="ar">', page)
    assert re.search(r'checked[^>]*value="school_health"|value="school_health"[^>]*checked', page)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_the_same_number_twice_is_explained(coordinator: FlaskClient) -> None:
    response = coordinator.post("/staff/meetings/new", data=form(guardian_2_phone="+46701740605"))
    assert "Samma nummer som vårdnadshavare 1" in response.get_data(as_text=True)


def test_another_teams_id_is_refused_with_a_message(coordinator: FlaskClient) -> None:
    response = coordinator.post("/staff/meetings/new", data=form(team_id=str(team_id(UMEÅ))))
    assert response.status_code == 200
    assert "Välj ett av dina team." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_an_unreadable_date_is_explained(coordinator: FlaskClient) -> None:
    response = coordinator.post("/staff/meetings/new", data=form(held_on="igår"))
    assert "Skriv datumet som 2026-11-23." in response.get_data(as_text=True)


def test_without_an_open_window_the_page_says_so(
    staff_client: Callable[..., FlaskClient],
) -> None:
    client = staff_client("coordinator", teams=(ÅSELE,))
    page = client.get("/staff/meetings/new").get_data(as_text=True)
    assert "Det finns ingen öppen eller kommande insamlingsperiod" in page
    response = client.post("/staff/meetings/new", data=form(), follow_redirects=True)
    assert "ingen öppen eller kommande insamlingsperiod" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_status_shows_own_teams_without_numbers(
    coordinator: FlaskClient, staff_client: Callable[..., FlaskClient]
) -> None:
    coordinator.post("/staff/meetings/new", data=form())
    other = staff_client("coordinator", teams=(UMEÅ,))
    other.post(
        "/staff/meetings/new",
        data=form(team_id=str(team_id(UMEÅ)), guardian_1_phone="0701740699"),
    )
    page = coordinator.get("/staff/meetings").get_data(as_text=True)
    assert ÅSELE in page
    assert UMEÅ not in page
    assert "+4670" not in page
    assert "174 06" not in page
    admin = staff_client("admin").get("/staff/meetings").get_data(as_text=True)
    assert ÅSELE in admin
    assert UMEÅ in admin


def test_analysts_do_not_see_meetings_or_the_outbox(
    staff_client: Callable[..., FlaskClient],
) -> None:
    analyst = staff_client("analyst")
    assert analyst.get("/staff/meetings").status_code == 403
    assert analyst.get("/staff/meetings/new").status_code == 403
    assert analyst.get("/staff/outbox").status_code == 403


def test_admin_outbox_never_shows_a_link(
    coordinator: FlaskClient,
    staff_client: Callable[..., FlaskClient],
    capsys: pytest.CaptureFixture[str],
) -> None:
    coordinator.post("/staff/meetings/new", data=form())
    send_due(ConsoleGateway(), now=daytime())
    tokens = re.findall(r"/s/([\w-]{22})", capsys.readouterr().out)
    assert len(tokens) == 3  # the invitation SMS went, each with its own link
    page = staff_client("admin").get("/staff/outbox").get_data(as_text=True)
    assert "delivered: 3" in page
    for token in tokens:
        assert token not in page
    assert "/s/[personlig länk]" in page
    assert staff_client("coordinator", teams=(ÅSELE,)).get("/staff/outbox").status_code == 403


def test_one_meetings_page_is_for_its_own_team_only(
    coordinator: FlaskClient, staff_client: Callable[..., FlaskClient]
) -> None:
    coordinator.post("/staff/meetings/new", data=form())
    other = staff_client("coordinator", teams=(UMEÅ,))
    other.post(
        "/staff/meetings/new",
        data=form(team_id=str(team_id(UMEÅ)), guardian_1_phone="0701740699"),
    )
    own = db.session.scalar(sa.select(Meeting.id).join(Team).where(Team.name == ÅSELE))
    foreign = db.session.scalar(sa.select(Meeting.id).join(Team).where(Team.name == UMEÅ))
    page = coordinator.get(f"/staff/meetings/{own}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert ÅSELE in text
    assert "på vårdnadshavarens telefon" in text
    assert "174 06" not in text
    assert f'href="/staff/meetings/{own}"' in coordinator.get("/staff/meetings").get_data(
        as_text=True
    )
    # Another team's meeting answers exactly like a meeting that does not exist.
    assert coordinator.get(f"/staff/meetings/{foreign}").status_code == 404
    assert coordinator.get("/staff/meetings/987654").status_code == 404
    assert staff_client("admin").get(f"/staff/meetings/{foreign}").status_code == 200
    assert staff_client("analyst").get(f"/staff/meetings/{own}").status_code == 403
