"""The audit log in words, filterable by person, action and day."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import AuditEvent, User

from .conftest import team_named


def entries(page: str) -> list[str]:
    """Each event as "when | sentence | fact; fact"."""
    body = page.split('aria-label="Händelser"', 1)[1].split("</table>", 1)[0]
    found = []
    for row in re.findall(r"<tr>\s*<td.*?</tr>", body, re.S):
        when, what = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        facts = re.findall(r"<li>(.*?)</li>", what, re.S)
        sentence = re.sub(r"<ul.*", "", what, flags=re.S).strip()
        found.append(" | ".join([when.strip(), sentence, "; ".join(facts)]).rstrip(" |"))
    return found


def _at(event: AuditEvent, moment: str) -> None:
    # Inserted with their time (the log is append-only: no update afterwards).
    event.at = datetime.fromisoformat(moment).replace(tzinfo=UTC)


@pytest.fixture
def history(make_user: Callable[..., User], make_campaign: Callable) -> dict[str, object]:
    """A few days of staff actions, each recorded as the feature records it."""
    anna = make_user("coordinator", email="anna.andersson@region.se", teams=("HLT Åsele",))
    admin = make_user("admin", email="admin@region.se")
    campaign = make_campaign(name="Hösten 2026")
    asele = team_named("HLT Åsele")
    # (actor, action, object type, object id, details)
    recorded: list[tuple[User | None, str, str, int | None, dict[str, object]]] = [
        (anna, "meeting_registered", "meeting", 7, {"invitations": 3, "team_id": asele.id}),
        (anna, audit.LOGIN_SUCCEEDED, "user", anna.id, {}),
        (None, audit.LOGIN_FAILED, "user", None, {}),
        (None, audit.LOGIN_FAILED, "user", anna.id, {}),
        (admin, audit.TEAM_DEACTIVATED, "team", asele.id, {"name": asele.name}),
        (
            admin,
            audit.CAMPAIGN_CHANGED,
            "campaign",
            campaign.id,
            {"changes": {"name": ["Testfönster", "Hösten 2026"], "reminder_count": [1, 2]}},
        ),
        (
            admin,
            "campaign_extended",
            "campaign",
            campaign.id,
            {"closes_at": ["2027-05-31T21:59:00+00:00", "2027-06-30T21:59:00+00:00"]},
        ),
        (
            admin,
            "campaign_closed",
            "campaign",
            campaign.id,
            {"drafts_discarded": 4, "messages_cancelled": 9, "early": True},
        ),
        (
            None,
            audit.USER_CREATED,
            "user",
            admin.id,
            {"email": admin.email, "role": "admin", "via": "cli"},
        ),
        (anna, "meetings_downloaded", "meetings", None, {"meetings": 12}),
        (admin, "exported_data", "campaign", campaign.id, {"file": "data.zip"}),
        (admin, "invitation_withdrawn", "invitation", 5, {}),
    ]
    for number, (actor, action, kind, key, details) in enumerate(recorded):
        event = audit.record(actor, action, kind, key, **details)
        _at(event, f"2026-11-{number + 1:02d}T09:30:00")
    db.session.commit()
    return {"anna": anna, "admin": admin, "campaign": campaign}


def test_every_action_reads_as_a_sentence(
    history: dict[str, object], staff_client: Callable[..., FlaskClient]
) -> None:
    page = staff_client("admin").get("/staff/audit").get_data(as_text=True)
    listed = entries(page)
    assert listed[1:] == [
        "2026-11-12 10:30 | admin@region.se: invitation_withdrawn (invitation 5)",
        "2026-11-11 10:30 | admin@region.se laddade ner data.zip från Hösten 2026",
        "2026-11-10 10:30 | anna.andersson@region.se laddade ner möteslistan | 12 möten",
        "2026-11-09 10:30 | Någon på servern (kommandoraden) skapade kontot admin@region.se"
        " (Administratör)",
        "2026-11-08 10:30 | admin@region.se stängde insamlingsperioden Hösten 2026 före sluttiden"
        " | 9 sms stoppade, 4 påbörjade svar raderade",
        "2026-11-07 10:30 | admin@region.se förlängde insamlingsperioden Hösten 2026"
        " | stänger: 2027-05-31 23:59 → 2027-06-30 23:59",
        "2026-11-06 10:30 | admin@region.se ändrade insamlingsperioden Hösten 2026"
        " | namn: Testfönster → Hösten 2026; antal påminnelser: 1 → 2",
        "2026-11-05 10:30 | admin@region.se avvecklade teamet HLT Åsele",
        "2026-11-04 10:30 | Misslyckad inloggning med anna.andersson@region.se",
        "2026-11-03 10:30 | Misslyckad inloggning med en okänd e-postadress",
        "2026-11-02 10:30 | anna.andersson@region.se loggade in",
        "2026-11-01 10:30 | anna.andersson@region.se registrerade ett möte för HLT Åsele"
        " | 3 inbjudningar",
    ]
    assert listed[0].endswith("loggade in")  # the admin looking at the log
    assert "{" not in page.split('aria-label="Händelser"')[1]  # no raw JSON


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("person=ANNA", ["registrerade ett möte", "loggade in", "laddade ner möteslistan"]),
        ("person=none", ["Misslyckad inloggning", "Misslyckad inloggning", "skapade kontot"]),
        ("action=login_failed", ["Misslyckad inloggning", "Misslyckad inloggning"]),
        ("since=2026-11-05&until=2026-11-06", ["avvecklade teamet", "ändrade insamlingsperioden"]),
        ("person=ANNA&action=login_succeeded&until=2026-11-30", ["loggade in"]),
    ],
)
def test_filters_narrow_the_log(
    history: dict[str, object],
    staff_client: Callable[..., FlaskClient],
    query: str,
    expected: list[str],
) -> None:
    anna = history["anna"]
    client = staff_client("admin")
    url = "/staff/audit?" + query.replace("ANNA", str(anna.id))  # type: ignore[attr-defined]
    listed = entries(client.get(url).get_data(as_text=True))
    assert len(listed) == len(expected), listed
    for entry, words in zip(listed, reversed(expected), strict=True):
        assert words in entry


def test_a_day_is_a_swedish_day(
    history: dict[str, object], staff_client: Callable[..., FlaskClient]
) -> None:
    """23:30 UTC on 5 November is 00:30 on the 6th in Sweden."""
    event = audit.record(None, audit.LOGIN_LOCKED, "user", None)
    _at(event, "2026-11-05T23:30:00")
    db.session.commit()
    listed = entries(
        staff_client("admin")
        .get("/staff/audit?action=login_locked&since=2026-11-06&until=2026-11-06")
        .get_data(as_text=True)
    )
    assert listed == [
        "2026-11-06 00:30 | Inloggningen med en okänd e-postadress spärrades efter för många försök"
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("person=987654", "Välj en person i listan."),
        ("action=drop_tables", "Välj en händelse i listan."),
        ("since=igår", "Skriv datumet som 2026-11-23."),
        ("since=2026-11-10&until=2026-11-01", "Slutdagen ligger före startdagen."),
    ],
)
def test_bad_filters_get_a_message_not_an_error(
    staff_client: Callable[..., FlaskClient], query: str, expected: str
) -> None:
    response = staff_client("admin").get(f"/staff/audit?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert expected in page
    assert 'role="alert"' in page
    assert 'aria-label="Händelser"' not in page


def test_pages_keep_the_filters(
    make_user: Callable[..., User], staff_client: Callable[..., FlaskClient]
) -> None:
    someone = make_user("analyst", email="analytiker@region.se")
    for _ in range(51):
        audit.record(someone, audit.LOGIN_SUCCEEDED, "user", someone.id)
    db.session.commit()
    client = staff_client("admin")
    first = client.get(f"/staff/audit?person={someone.id}").get_data(as_text=True)
    assert len(entries(first)) == 50
    assert f'href="/staff/audit?page=2&amp;person={someone.id}"' in first
    second = client.get(f"/staff/audit?page=2&person={someone.id}").get_data(as_text=True)
    assert len(entries(second)) == 1


def test_only_admins_read_the_log(staff_client: Callable[..., FlaskClient]) -> None:
    assert staff_client("analyst").get("/staff/audit").status_code == 403
    assert staff_client("coordinator", teams=("HLT Åsele",)).get("/staff/audit").status_code == 403


def test_names_are_looked_up_once_per_page(
    history: dict[str, object],
    staff_client: Callable[..., FlaskClient],
    app: object,
) -> None:
    """Sentences need team, window and account names: a few queries, not one per event."""
    client = staff_client("admin")
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    client.get("/staff/audit")
    named = [s for s in statements if re.search(r"FROM (teams|campaigns|users)\b", s)]
    assert len(named) <= 5, named
