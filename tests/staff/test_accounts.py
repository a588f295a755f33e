"""Accounts, teams and the audit log: admin manages them, changes audited, bad input explained."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from survey_app.accounts.passwords import verify_password
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import AuditEvent, StaffRole, Team, User

from .conftest import PASSWORD, log_in, team_named

NEW_USER = {
    "email": "Ny.Samordnare@Example.se",
    "role": "coordinator",
    "language": "sv",
    "password": "ett tillfälligt lösenord",
}


def test_admin_creates_a_coordinator_with_teams(staff_client: Callable) -> None:
    client = staff_client("admin")
    asele, umea = team_named("HLT Åsele"), team_named("HLT Umeå")
    response = client.post("/staff/users/new", data={**NEW_USER, "teams": [asele.id, umea.id]})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "ny.samordnare@example.se"))
    assert user is not None
    assert user.role == StaffRole.COORDINATOR
    assert {t.name for t in user.teams} == {"HLT Åsele", "HLT Umeå"}
    assert verify_password(user.password_hash, NEW_USER["password"])
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user_created"))
    assert event is not None
    assert event.details["teams"] == ["HLT Umeå", "HLT Åsele"]
    assert NEW_USER["password"] not in repr(event.details)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "inte-en-adress"}, "Det ser inte ut som en e-postadress."),
        ({"email": "a" * 250 + "@x.se"}, "E-postadressen får ha högst 254 tecken."),
        ({"password": "kort"}, "minst 12 tecken"),
        ({"password": "ny.samordnare@example.se"}, "får inte vara din e-postadress"),
        ({}, "En samordnare behöver minst ett team."),
        ({"email": "admin-0@example.se", "role": "analyst"}, "Det finns redan ett konto"),
    ],
)
def test_bad_account_input_is_explained_and_kept(
    staff_client: Callable, changes: dict[str, str], message: str
) -> None:
    client = staff_client("admin")  # its e-mail is admin-0@example.se
    response = client.post("/staff/users/new", data={**NEW_USER, **changes})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_admin_changes_role_and_disables_and_the_person_cannot_log_in(
    staff_client: Callable, make_user: Callable
) -> None:
    client = staff_client("admin")
    user = make_user("coordinator", teams=("HLT Åsele",))
    response = client.post(
        f"/staff/users/{user.id}",
        data={"email": user.email, "role": "analyst", "language": "en", "active": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert user.role == StaffRole.ANALYST
    assert user.teams == []  # analysts see all teams; team membership means nothing for them
    response = client.post(f"/staff/users/{user.id}/disable")
    assert response.status_code == 302
    db.session.expire_all()
    assert not user.active
    assert log_in(user_client := client.application.test_client(), user.email).status_code == 200
    assert user_client.get("/staff/").status_code == 302
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))
    ).all()
    assert "user_changed" in actions
    assert "user_disabled" in actions


def test_disabling_a_logged_in_user_ends_their_session(
    staff_client: Callable, make_user: Callable
) -> None:
    analyst = staff_client("analyst")
    assert analyst.get("/staff/").status_code == 200
    staff_client("admin").post(f"/staff/users/{analyst.user.id}/disable")
    response = analyst.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_admin_cannot_lock_themselves_out(staff_client: Callable) -> None:
    client = staff_client("admin")
    me = client.user
    response = client.post(
        f"/staff/users/{me.id}", data={"email": me.email, "role": "analyst", "language": "sv"}
    )
    assert "Du kan inte ta bort din egen administratörsroll" in response.get_data(as_text=True)
    db.session.expire_all()
    assert me.role == StaffRole.ADMIN
    assert me.active


def test_admin_adds_and_deactivates_a_team(staff_client: Callable) -> None:
    client = staff_client("admin")
    municipality_id = team_named("HLT Sorsele").municipality_id
    response = client.post(
        "/staff/teams", data={"name": "HLT Sorsele skola", "municipality": municipality_id}
    )
    assert response.status_code == 302
    team = db.session.scalar(sa.select(Team).where(Team.name == "HLT Sorsele skola"))
    assert team is not None
    assert team.active
    duplicate = client.post(
        "/staff/teams", data={"name": "hlt sorsele SKOLA", "municipality": municipality_id}
    )
    assert "Det finns redan ett team med det namnet." in duplicate.get_data(as_text=True)
    client.post(f"/staff/teams/{team.id}/active")
    db.session.expire_all()
    assert not team.active
    assert "Avvecklat" in client.get("/staff/teams").get_data(as_text=True)


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    app: object, staff_client: Callable
) -> None:
    client = staff_client("coordinator", teams=("HLT Åsele",))
    other_device = app.test_client()  # type: ignore[attr-defined]
    log_in(other_device, client.user.email)
    assert other_device.get("/staff/").status_code == 200
    new = "ett helt nytt långt lösenord"
    cases = [
        ({"current_password": "fel fel fel fel", "new_password": new}, "stämmer inte"),
        ({"current_password": PASSWORD, "new_password": "kort"}, "minst 12 tecken"),
        ({"current_password": PASSWORD, "new_password": client.user.email}, "e-postadress"),
    ]
    for data, message in cases:
        data = {**data, "confirm_password": data["new_password"]}
        assert message in client.post("/staff/password", data=data).get_data(as_text=True)
    mismatch = client.post(
        "/staff/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm_password": new + "x"},
    )
    assert "inte likadana" in mismatch.get_data(as_text=True)
    ok = client.post(
        "/staff/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert ok.status_code == 302
    assert client.get("/staff/").status_code == 200  # this session goes on
    assert other_device.get("/staff/").status_code == 302  # the other one has ended


def test_audit_events_cannot_be_changed_or_deleted(app: object, make_user: Callable) -> None:
    user = make_user("admin")
    event = audit.record(user, "user_changed", "user", user.id, note="x")
    db.session.commit()
    event.action = "nothing_happened"
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.get_one(AuditEvent, event.id).action == "user_changed"


def test_audit_events_cannot_be_changed_or_deleted_in_bulk(
    app: object, make_user: Callable
) -> None:
    user = make_user("admin")
    audit.record(user, "user_changed", "user", user.id)
    db.session.commit()
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        db.session.execute(sa.update(AuditEvent).values(action="nothing_happened"))
    db.session.rollback()
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        db.session.execute(sa.delete(AuditEvent))
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEvent.action)) == "user_changed"


def test_audit_log_is_paged_newest_first(staff_client: Callable, make_user: Callable) -> None:
    client = staff_client("admin")
    for number in range(60):
        audit.record(client.user, "campaign_changed", "campaign", number)
    db.session.commit()
    first = client.get("/staff/audit").get_data(as_text=True)
    assert "insamlingsperioden 59<" in first
    assert "insamlingsperioden 5<" not in first
    assert "Sida 1 av 2" in first
    second = client.get("/staff/audit?page=2").get_data(as_text=True)
    assert "insamlingsperioden 5<" in second
    assert client.get("/staff/audit?page=abc").status_code == 200
