"""The meeting list: search, sort, pages, the CSV download, and what it must never show."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey_app.domain.links import invitation_for_token
from survey_app.extensions import db
from survey_app.messaging.gateways import ConsoleGateway
from survey_app.messaging.outbox import send_due
from survey_app.models import (
    AuditEvent,
    Campaign,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    utcnow,
)
from tests.clock import daytime
from tests.staff.conftest import answer_everything

from .test_staff_pages import UMEÅ, ÅSELE, form, team_id

S = MessageState


@pytest.fixture
def window(make_campaign: Callable) -> Campaign:
    return make_campaign(name="Hösten 2026")


@pytest.fixture
def meeting_with(
    window: Campaign, make_meeting: Callable, make_invitation: Callable
) -> Callable[..., Meeting]:
    """A meeting whose invitations' invitation SMS are in the given states (None: no SMS)."""

    def make(
        *states: MessageState | None,
        team: str = ÅSELE,
        held_on: date = date(2026, 11, 20),
        opted_out: bool = False,
        campaign: Campaign | None = None,
    ) -> Meeting:
        meeting = make_meeting(campaign=campaign or window, team=team, held_on=held_on)
        for number, state in enumerate(states):
            invitation = make_invitation(
                meeting=meeting, role="guardian" if number < 2 else "child"
            )
            if opted_out and number == 0:
                invitation.opted_out_at = utcnow()
            if state is not None:
                sent = state in (S.SENT, S.DELIVERED)
                db.session.add(
                    OutboxMessage(
                        invitation=invitation,
                        kind=MessageKind.INVITE,
                        state=state,
                        sent_at=utcnow() if sent else None,
                    )
                )
        db.session.commit()
        return meeting

    return make


def words(html: str) -> str:
    """The text of some HTML, with tags and runs of spaces as one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def rows(page: str) -> list[str]:
    """The meetings' table rows as "date | team | age | invited | sms" lines."""
    body = page.split('aria-label="Möten"', 1)[1].split("</table>", 1)[0]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        cells = [words(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        found.append(" | ".join(re.sub(r"\s+", " ", cell) for cell in cells))
    return found


def message(page: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    return words(match.group(0)) if match else ""


@pytest.fixture
def admin(staff_client: Callable[..., FlaskClient]) -> FlaskClient:
    return staff_client("admin")


def test_each_status_finds_exactly_its_meetings(
    admin: FlaskClient, meeting_with: Callable[..., Meeting]
) -> None:
    made = {
        "all delivered": meeting_with(S.DELIVERED, S.DELIVERED, held_on=date(2026, 11, 1)),
        "one waiting": meeting_with(S.DELIVERED, S.QUEUED, held_on=date(2026, 11, 2)),
        "one being sent": meeting_with(S.SENDING, held_on=date(2026, 11, 3)),
        "one failed": meeting_with(S.FAILED, S.SENT, held_on=date(2026, 11, 4)),
        "stopped": meeting_with(S.CANCELLED, held_on=date(2026, 11, 5)),
        "sent": meeting_with(S.SENT, S.DELIVERED, held_on=date(2026, 11, 6)),
        "opted out": meeting_with(S.DELIVERED, opted_out=True, held_on=date(2026, 11, 7)),
        "no sms": meeting_with(None, held_on=date(2026, 11, 8)),
    }
    expected = {
        "": set(made),
        "waiting": {"one waiting", "one being sent"},
        "failed": {"one failed"},
        "stopped": {"stopped"},
        "sent": {"one failed", "sent"},
        "delivered": {"all delivered", "opted out"},
        "opted_out": {"opted out"},
    }
    dates = {meeting.held_on.isoformat(): name for name, meeting in made.items()}
    for status, names in expected.items():
        page = admin.get(f"/staff/meetings?status={status}").get_data(as_text=True)
        shown = (
            {dates[row.split(" | ")[0]] for row in rows(page)}
            if 'aria-label="Möten"' in page
            else set()
        )
        assert shown == names, status


def test_the_list_shows_each_meeting_in_words(
    admin: FlaskClient, meeting_with: Callable[..., Meeting]
) -> None:
    meeting_with(S.DELIVERED, S.FAILED, S.QUEUED, held_on=date(2026, 11, 2))
    meeting_with(S.DELIVERED, opted_out=True, team=UMEÅ, held_on=date(2026, 11, 3))
    meeting_with(S.CANCELLED, held_on=date(2026, 11, 1))
    assert rows(admin.get("/staff/meetings").get_data(as_text=True)) == [
        "2026-11-03 | HLT Umeå | 6–11 år | Vårdnadshavare | Kom fram; någon vill inte ha fler sms",
        "2026-11-02 | HLT Åsele | 6–11 år | Vårdnadshavare, Vårdnadshavare, Barn 6–11 år"
        " | Kunde inte skickas",
        "2026-11-01 | HLT Åsele | 6–11 år | Vårdnadshavare | Stoppat",
    ]


def test_search_by_team_and_dates_and_sort_by_date(
    admin: FlaskClient, meeting_with: Callable[..., Meeting]
) -> None:
    for day in (1, 10, 20, 30):
        meeting_with(S.QUEUED, held_on=date(2026, 11, day))
    meeting_with(S.QUEUED, team=UMEÅ, held_on=date(2026, 11, 15))
    page = admin.get(
        f"/staff/meetings?team={team_id(ÅSELE)}&held_from=2026-11-10&held_to=2026-11-30&sort=oldest"
    ).get_data(as_text=True)
    assert [row.split(" | ")[0] for row in rows(page)] == ["2026-11-10", "2026-11-20", "2026-11-30"]
    assert 'aria-sort="ascending"' in page
    page = admin.get("/staff/meetings?held_to=2026-11-15").get_data(as_text=True)
    assert [row.split(" | ")[0] for row in rows(page)] == ["2026-11-15", "2026-11-10", "2026-11-01"]


def test_pages_of_fifty_and_a_page_past_the_end_shows_the_last(
    admin: FlaskClient, meeting_with: Callable[..., Meeting], window: Campaign
) -> None:
    start = date(2026, 1, 1)
    meetings = [
        Meeting(
            campaign=window,
            team_id=team_id(ÅSELE),
            held_on=start + timedelta(days=n),
            age_band="6-11",
            child_attended="yes",
        )
        for n in range(53)
    ]
    db.session.add_all(meetings)
    db.session.commit()
    first = admin.get("/staff/meetings").get_data(as_text=True)
    assert "53 möten hittades. Här visas 1–50." in words(first)
    assert len(rows(first)) == 50
    assert rows(first)[0].startswith("2026-02-22")
    assert "Sida 1 av 2" in first
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    last = admin.get("/staff/meetings?page=2").get_data(as_text=True)
    assert [row.split(" | ")[0] for row in rows(last)] == ["2026-01-03", "2026-01-02", "2026-01-01"]
    assert "Här visas 51–53." in words(last)
    assert admin.get("/staff/meetings?page=99").get_data(as_text=True) == last
    assert admin.get("/staff/meetings?page=nonsense").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("held_from=igår", "Skriv datumet som 2026-11-23."),
        ("held_to=2026-13-01", "Skriv datumet som 2026-11-23."),
        ("held_from=2026-11-10&held_to=2026-11-01", "Slutdatumet ligger före startdatumet."),
        ("status=answered", "Välj ett läge i listan."),
        ("sort=random", "Välj en ordning i listan."),
        ("period=987654", "Välj en insamlingsperiod i listan."),
        ("period=x", "Välj en insamlingsperiod i listan."),
    ],
)
def test_bad_search_input_gets_a_message_not_an_error(
    admin: FlaskClient, meeting_with: Callable[..., Meeting], query: str, expected: str
) -> None:
    meeting_with(S.QUEUED)
    for path in ("/staff/meetings", "/staff/meetings.csv"):
        response = admin.get(f"{path}?{query}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert message(page) == f"Något behöver rättas {expected}"
        assert 'aria-label="Möten"' not in page


def test_a_coordinator_searches_only_their_own_teams(
    staff_client: Callable[..., FlaskClient], meeting_with: Callable[..., Meeting]
) -> None:
    meeting_with(S.QUEUED, held_on=date(2026, 11, 1))
    meeting_with(S.QUEUED, team=UMEÅ, held_on=date(2026, 11, 2))
    coordinator = staff_client("coordinator", teams=(ÅSELE,))
    page = coordinator.get("/staff/meetings").get_data(as_text=True)
    assert [row.split(" | ")[1] for row in rows(page)] == [ÅSELE]
    assert UMEÅ not in page
    refused = coordinator.get(f"/staff/meetings?team={team_id(UMEÅ)}").get_data(as_text=True)
    assert message(refused) == "Något behöver rättas Välj ett av dina team."
    assert UMEÅ not in coordinator.get("/staff/meetings.csv").get_data(as_text=True)


def test_the_window_defaults_to_the_open_one_and_all_windows_can_be_searched(
    admin: FlaskClient,
    meeting_with: Callable[..., Meeting],
    make_campaign: Callable,
) -> None:
    old = make_campaign(
        name="Våren 2026",
        opens_at=utcnow() - timedelta(days=300),
        closes_at=utcnow() - timedelta(days=200),
        state="closed",
    )
    meeting_with(S.DELIVERED, held_on=date(2026, 3, 1), campaign=old)
    meeting_with(S.QUEUED, held_on=date(2026, 11, 1))
    current = admin.get("/staff/meetings").get_data(as_text=True)
    assert [row.split(" | ")[0] for row in rows(current)] == ["2026-11-01"]
    everything = admin.get("/staff/meetings?period=").get_data(as_text=True)
    assert [row.split(" | ")[0] for row in rows(everything)] == ["2026-11-01", "2026-03-01"]
    earlier = admin.get(f"/staff/meetings?period={old.id}").get_data(as_text=True)
    assert [row.split(" | ")[0] for row in rows(earlier)] == ["2026-03-01"]


def test_the_list_shows_no_response_counts_and_points_to_the_results_page(
    staff_client: Callable[..., FlaskClient],
    meeting_with: Callable[..., Meeting],
    make_invitation: Callable,
    app: object,
) -> None:
    """Response figures live on the results page, behind its disclosure rule: none here."""
    answered = meeting_with(S.DELIVERED, S.DELIVERED, held_on=date(2026, 11, 1))
    answer_everything(app.test_client(), make_invitation(meeting=answered).token, "")  # type: ignore[attr-defined]
    coordinator = staff_client("coordinator", teams=(ÅSELE,))
    page = coordinator.get("/staff/meetings").get_data(as_text=True)
    assert '<a href="/staff/results">Se hur många som har svarat, per team</a>' in page
    text = words(page)
    for fragment in ("1 av", "Svar ", "%", "för få", "Besvara", "besvara"):
        assert fragment not in text


def test_nothing_on_the_meeting_pages_tells_an_answered_invitation_from_another(
    staff_client: Callable[..., FlaskClient],
    window: Campaign,
    app: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two meetings registered alike; a family answers one. The staff views must not differ."""
    coordinator = staff_client("coordinator", teams=(ÅSELE,))
    coordinator.post(
        "/staff/meetings/new",
        data=form(guardian_2_phone="", child_handover=""),
        follow_redirects=True,
    )
    coordinator.post(
        "/staff/meetings/new",
        data=form(guardian_1_phone="070-174 06 08", guardian_2_phone="", child_handover=""),
        follow_redirects=True,
    )
    first, second = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).all()
    # The SMS go out; the family answers the first meeting's link, taken from its SMS.
    send_due(ConsoleGateway(), now=daytime())
    sent = re.findall(r"/s/([\w-]{22})", capsys.readouterr().out)
    (token,) = [t for t in sent if invitation_for_token(t) == first.invitations[0].id]
    answer_everything(app.test_client(), token, "")  # type: ignore[attr-defined]

    def seen(meeting: Meeting) -> str:
        page = coordinator.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
        page = page.replace(f"/staff/meetings/{meeting.id}", "")
        # The actions name their invitation; everything else must be the same.
        return re.sub(r"/staff/invitations/\d+/", "/staff/invitations/N/", page)

    assert seen(first) == seen(second)
    listed = rows(coordinator.get("/staff/meetings").get_data(as_text=True))
    assert len(listed) == 2
    assert listed[0] == listed[1]
    lines = coordinator.get("/staff/meetings.csv").get_data(as_text=True).splitlines()[1:]
    assert [line.split(",", 1)[1] for line in lines] == [lines[0].split(",", 1)[1]] * 2
    for word in ("Besvara", "Öppna", "öppnad", "besvarad"):
        assert word not in seen(first)


def test_the_csv_has_sms_states_in_words_and_no_numbers(
    staff_client: Callable[..., FlaskClient],
    meeting_with: Callable[..., Meeting],
    window: Campaign,
) -> None:
    coordinator = staff_client("coordinator", teams=(ÅSELE,))
    coordinator.post("/staff/meetings/new", data=form())
    meeting_with(S.DELIVERED, S.FAILED, opted_out=True, held_on=date(2026, 11, 2))
    registered = db.session.scalar(
        sa.select(Meeting).where(Meeting.registered_by_id == coordinator.user.id)  # type: ignore[attr-defined]
    )
    assert registered is not None
    response = coordinator.get("/staff/meetings.csv?sort=oldest")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="moten-')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == [
        "Möte",
        "Mötesdatum",
        "Team",
        "Barnets ålder",
        "Registrerat",
        "Inbjuden",
        "Språk",
        "Länken på vårdnadshavarens telefon",
        "Sms",
        "Vill inte ha fler sms",
    ]
    made = table[1][0]
    assert [row[5:] for row in table[1:3]] == [
        ["Vårdnadshavare", "Svenska", "Nej", "Kom fram", "Ja"],
        ["Vårdnadshavare", "Svenska", "Nej", "Kunde inte skickas", "Nej"],
    ]
    assert table[1][1:4] == ["2026-11-02", ÅSELE, "6–11 år"]
    assert [row[5:] for row in table[3:]] == [
        ["Vårdnadshavare", "Svenska", "Nej", "Väntar på att skickas", "Nej"],
        ["Vårdnadshavare", "Arabiska – العربية", "Nej", "Väntar på att skickas", "Nej"],
        ["Barn 6–11 år", "Svenska", "Ja", "Väntar på att skickas", "Nej"],
    ]
    assert {row[0] for row in table[3:]} == {str(registered.id)} != {made}
    for fragment in ("+46", "070", "1740605", "174 06"):
        assert fragment not in text
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "meetings_downloaded")
    )
    assert event is not None
    assert event.actor_id == coordinator.user.id  # type: ignore[attr-defined]
    assert event.details == {"meetings": 2}


def test_a_team_name_cannot_smuggle_a_formula_into_the_csv(
    admin: FlaskClient, meeting_with: Callable[..., Meeting]
) -> None:
    from survey_app.models import Team

    meeting_with(S.QUEUED)
    db.session.get_one(Team, team_id(ÅSELE)).name = '=HYPERLINK("http://x")'
    db.session.commit()
    table = list(csv.reader(io.StringIO(admin.get("/staff/meetings.csv").get_data(as_text=True))))
    assert table[1][2] == '\'=HYPERLINK("http://x")'
