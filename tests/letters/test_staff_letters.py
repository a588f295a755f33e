"""Printing a letter from the meeting page: who may, what is asked, what comes back, and no."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey_app.domain.letters import LETTER_PRINTED
from survey_app.extensions import db
from survey_app.models import AuditEvent, CampaignState, Invitation, Meeting, utcnow
from tests.meetings.test_staff_pages import form

from .conftest import link_count
from .reading import PAGE_POINTS, read_letter

ÅSELE = "HLT Åsele"


def _letters_printed() -> int:
    query = sa.select(sa.func.count()).where(AuditEvent.action == LETTER_PRINTED)
    return int(db.session.scalar(query) or 0)


def _path(invitation: Invitation) -> str:
    return f"/staff/invitations/{invitation.id}/letter"


def test_the_meeting_page_offers_a_letter_and_the_letter_page_asks_the_size_first(
    make_invitation: Callable[..., Invitation], staff_client: Callable[..., FlaskClient]
) -> None:
    invitation = make_invitation(team=ÅSELE)
    coordinator = staff_client("coordinator", teams=(ÅSELE,))
    meeting_page = coordinator.get(f"/staff/meetings/{invitation.meeting_id}")
    assert f'href="{_path(invitation)}"' in meeting_page.get_data(as_text=True)
    before = link_count(invitation.id)

    page = coordinator.get(_path(invitation))

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="A4"' in html
    assert 'value="A5"' in html
    assert "Skapa brevet (PDF)" in html
    assert link_count(invitation.id) == before  # looking at the page makes no link


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_letter_comes_as_an_attachment_nobody_keeps_and_is_audited(
    make_invitation: Callable[..., Invitation],
    staff_client: Callable[..., FlaskClient],
    size: str,
) -> None:
    invitation = make_invitation(team=ÅSELE, language="ar")
    coordinator = staff_client("coordinator", teams=(ÅSELE,))
    before = link_count(invitation.id)

    response = coordinator.post(_path(invitation), data={"size": size})

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="sip-inbjudan-{invitation.id}-{size}.pdf"'
    letter = read_letter(response.get_data())
    assert letter.page_size == pytest.approx(PAGE_POINTS[size], abs=0.5)
    assert link_count(invitation.id) == before + 1
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == LETTER_PRINTED))
    assert event is not None
    assert event.actor_id == coordinator.user.id  # type: ignore[attr-defined]
    assert (event.object_type, event.object_id) == ("invitation", str(invitation.id))
    assert event.details == {
        "meeting_id": invitation.meeting_id,
        "role": "guardian",
        "language": "ar",
        "size": size,
    }


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_only_the_teams_coordinator_or_an_admin_may_print(
    make_invitation: Callable[..., Invitation],
    staff_client: Callable[..., FlaskClient],
    method: str,
) -> None:
    invitation = make_invitation(team=ÅSELE)
    path = _path(invitation)
    data = {"size": "A4"}
    before = link_count()
    assert (
        staff_client("coordinator", teams=("HLT Umeå",))
        .open(path, method=method, data=data)
        .status_code
        == 404
    )
    assert staff_client("analyst").open(path, method=method, data=data).status_code == 403
    assert (
        staff_client("admin")
        .open("/staff/invitations/987654/letter", method=method, data=data)
        .status_code
        == 404
    )
    assert link_count() == before
    allowed = staff_client("admin").open(path, method=method, data=data)
    assert allowed.status_code == 200
    assert allowed.mimetype == ("application/pdf" if method == "POST" else "text/html")


def _withdraw(invitation: Invitation) -> None:
    invitation.withdrawn_at = utcnow()


def _close(invitation: Invitation) -> None:
    campaign = invitation.meeting.campaign
    campaign.state, campaign.closed_at = CampaignState.CLOSED, utcnow()


def _end_by_the_clock(invitation: Invitation) -> None:
    campaign = invitation.meeting.campaign
    campaign.opens_at = utcnow() - timedelta(days=60)
    campaign.closes_at = utcnow() - timedelta(minutes=1)


def _as_is(invitation: Invitation) -> None:
    pass


@pytest.mark.parametrize(
    ("change", "data", "message"),
    [
        (_as_is, {"size": "A3"}, "Välj A4 eller A5."),
        (_as_is, {"size": ""}, "Välj A4 eller A5."),
        (_as_is, {}, "Välj A4 eller A5."),
        (_withdraw, {"size": "A4"}, "Inbjudan är återkallad, så det går inte att skriva ut"),
        (_close, {"size": "A4"}, "Insamlingsperioden är slut: det går inte längre att skriva"),
        (_end_by_the_clock, {"size": "A5"}, "Insamlingsperioden är slut: det går inte längre"),
    ],
    ids=["unknown size", "empty size", "no size", "withdrawn", "closed", "ended by the clock"],
)
def test_what_cannot_be_printed_is_said_in_words_and_makes_no_link(
    make_invitation: Callable[..., Invitation],
    staff_client: Callable[..., FlaskClient],
    change: Callable[[Invitation], None],
    data: dict[str, str],
    message: str,
) -> None:
    invitation = make_invitation(team=ÅSELE)
    change(invitation)
    db.session.commit()
    coordinator = staff_client("coordinator", teams=(ÅSELE,))
    before = link_count()

    response = coordinator.post(_path(invitation), data=data)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)
    assert link_count() == before
    assert _letters_printed() == 0
    if change is not _as_is:  # the page says so before anyone presses a button
        page = coordinator.get(_path(invitation)).get_data(as_text=True)
        assert message in page
        assert "Skapa brevet (PDF)" not in page


def test_registering_a_meeting_points_to_the_letters(
    staff_client: Callable[..., FlaskClient], make_campaign: Callable[..., object]
) -> None:
    make_campaign()
    coordinator = staff_client("coordinator", teams=(ÅSELE,))
    page = coordinator.post("/staff/meetings/new", data=form(), follow_redirects=True)
    meeting_id = db.session.scalar(sa.select(Meeting.id))
    html = page.get_data(as_text=True)
    assert "Behöver någon inbjudan på papper?" in html
    assert f'<a href="/staff/meetings/{meeting_id}">Skriv ut ett brev från mötets sida.</a>' in html
