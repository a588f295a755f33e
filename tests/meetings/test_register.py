"""register_meeting: one transaction, hashed tokens, queued SMS, clear problems."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from survey_app.domain.meetings import (
    Child,
    Guardian,
    MeetingDetails,
    RegistrationProblems,
    register_meeting,
)
from survey_app.extensions import db
from survey_app.messaging.gateways import ConsoleGateway
from survey_app.messaging.outbox import preview, send_due
from survey_app.models import (
    AgeBand,
    AuditEvent,
    CampaignState,
    ChildAttended,
    Invitation,
    Link,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    Role,
    Service,
    Team,
    utcnow,
)


@pytest.fixture(autouse=True)
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def open_window(make_campaign: Callable) -> object:
    return make_campaign()


def team_id(name: str = "HLT Åsele") -> int:
    team = db.session.scalar(sa.select(Team.id).where(Team.name == name))
    assert team is not None, name
    return team


def details(**changes: object) -> MeetingDetails:
    values: dict[str, object] = {
        "team_id": team_id(),
        "held_on": date.today() - timedelta(days=1),  # noqa: DTZ011
        "age_band": AgeBand.CHILD,
        "child_attended": ChildAttended.YES,
        "services": (Service.SOCIAL_SERVICES, Service.SCHOOL_HEALTH),
        "guardians": (Guardian("070-174 06 05", "sv"), Guardian("", "sv")),
        "child": Child("070-174 06 06", "sv"),
    }
    values.update(changes)
    return MeetingDetails(**values)  # type: ignore[arg-type]


def problems_of(meeting: MeetingDetails) -> dict[str, str]:
    with pytest.raises(RegistrationProblems) as raised:
        register_meeting(meeting, None)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0  # nothing written
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    return raised.value.by_field


def test_registering_creates_everything_in_one_go(open_window: object) -> None:
    registered = register_meeting(
        details(guardians=(Guardian("070-174 06 05", "sv"), Guardian("+358401234567", "fi"))),
        None,
    )
    assert registered.invitations == 3
    assert registered.messages == 6  # invitation + 1 reminder each
    meeting = db.session.get(Meeting, registered.meeting_id)
    assert meeting is not None
    assert {s.service for s in meeting.services} == {Service.SOCIAL_SERVICES, Service.SCHOOL_HEALTH}
    by_role = sorted((i.role.value, i.phone, i.language) for i in meeting.invitations)
    assert by_role == [
        ("child", "+46701740606", "sv"),
        ("guardian", "+358401234567", "fi"),
        ("guardian", "+46701740605", "sv"),
    ]
    for invitation in meeting.invitations:
        invite = db.session.scalar(
            sa.select(OutboxMessage).where(
                OutboxMessage.invitation_id == invitation.id,
                OutboxMessage.kind == MessageKind.INVITE,
            )
        )
        assert invite is not None
        assert invite.state == MessageState.QUEUED
        assert "Åsele" in preview(invite)
    # No link exists yet: each SMS gets its own when it is sent.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Link)) == 0
    audit = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "meeting_registered")
    )
    assert audit is not None
    assert audit.object_id == str(meeting.id)
    assert "+467" not in str(audit.details)


def test_youth_get_the_youth_questionnaire(open_window: object) -> None:
    registered = register_meeting(details(age_band=AgeBand.YOUTH), None)
    meeting = db.session.get(Meeting, registered.meeting_id)
    assert meeting is not None
    youth = next(i for i in meeting.invitations if i.role != Role.GUARDIAN)
    assert (youth.role, youth.questionnaire_key) == (Role.YOUTH, "sip-youth")


def test_a_child_without_phone_gets_the_link_on_a_guardians_phone(open_window: object) -> None:
    registered = register_meeting(
        details(
            guardians=(Guardian("070-174 06 05"), Guardian("070-174 06 07")),
            child=Child("", "sv", handover_to=2),
        ),
        None,
    )
    meeting = db.session.get(Meeting, registered.meeting_id)
    assert meeting is not None
    child = next(i for i in meeting.invitations if i.role == Role.CHILD)
    second = next(i for i in meeting.invitations if i.phone == "+46701740607" and i is not child)
    assert child.phone == "+46701740607"
    assert child.handover_from_id == second.id
    invite = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.invitation_id == child.id, OutboxMessage.kind == MessageKind.INVITE
        )
    )
    assert invite is not None
    assert "Ge barnet telefonen" in preview(invite)


def test_under_six_no_child_invitation(open_window: object) -> None:
    registered = register_meeting(details(age_band=AgeBand.UNDER_6, child=None), None)
    assert registered.invitations == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"guardians": (Guardian("12345"), Guardian(""))}, "guardian_1_phone", "giltigt svenskt"),
        (
            {"guardians": (Guardian("4790012345"), Guardian(""))},
            "guardian_1_phone",
            "Ett utländskt nummer skrivs med + och landskod",
        ),
        (
            {"guardians": (Guardian("090-12 34 56"), Guardian(""))},
            "guardian_1_phone",
            "inte ett mobilnummer",
        ),
        (
            {"guardians": (Guardian("070-174 06 05"), Guardian("+46 70 174 06 05"))},
            "guardian_2_phone",
            "Samma nummer som vårdnadshavare 1",
        ),
        ({"child": Child("0701740605")}, "child_phone", "Samma nummer som vårdnadshavare 1"),
        (
            {"child": Child("", handover_to=2)},
            "child_handover",
            "Vårdnadshavare 2 har inget nummer",
        ),
        (
            {"child": Child("070-174 06 06", handover_to=1)},
            "child_handover",
            "antingen barnets eget nummer",
        ),
        (
            {"age_band": AgeBand.UNDER_6},
            "child_phone",
            "Barn under 6 år får ingen egen enkät",
        ),
        (
            {"guardians": (Guardian(""), Guardian("")), "child": None},
            "guardian_1_phone",
            "minst ett",
        ),
        ({"services": ()}, "services", "minst en verksamhet"),
        ({"held_on": date.today() + timedelta(days=2)}, "held_on", "framtiden"),  # noqa: DTZ011
        (
            {"guardians": (Guardian("0701740605", "xx"), Guardian(""))},
            "guardian_1_language",
            "språk",
        ),
        ({"team_id": 999999}, "team_id", "Välj ett av dina team"),
    ],
)
def test_bad_input_is_refused_with_a_message_by_the_field(
    open_window: object, changes: dict[str, object], field: str, message: str
) -> None:
    problems = problems_of(details(**changes))
    assert field in problems, problems
    assert message in problems[field]


def test_all_problems_are_reported_at_once(open_window: object) -> None:
    problems = problems_of(
        details(guardians=(Guardian("nope"), Guardian("12")), child=Child("070-ABC"), services=())
    )
    assert set(problems) == {"guardian_1_phone", "guardian_2_phone", "child_phone", "services"}


def test_no_open_or_coming_window_no_invitations(make_campaign: Callable) -> None:
    make_campaign(state=CampaignState.CLOSED)
    problems = problems_of(details())
    assert "ingen öppen eller kommande insamlingsperiod" in problems["campaign"]
    assert "Be en administratör lägga upp nästa period" in problems["campaign"]


def test_between_windows_the_meeting_waits_for_the_next_one(make_campaign: Callable) -> None:
    now = utcnow()
    make_campaign(state=CampaignState.CLOSED, name="Förra")
    coming = make_campaign(
        state=CampaignState.DRAFT,
        name="Nästa",
        opens_at=now + timedelta(days=20),
        closes_at=now + timedelta(days=200),
    )
    registered = register_meeting(details(), None)
    meeting = db.session.get(Meeting, registered.meeting_id)
    assert meeting is not None
    assert meeting.campaign_id == coming.id
    # The SMS wait in the outbox with no link until the window opens.
    summary = send_due(ConsoleGateway(), now=now + timedelta(hours=1))
    assert (summary.sent, summary.postponed) == (0, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Link)) == 0
    day_after = (coming.opens_at + timedelta(days=1)).astimezone(STOCKHOLM).date()
    noon = datetime.combine(day_after, time(12), tzinfo=STOCKHOLM)  # not quiet hours
    opened = send_due(ConsoleGateway(), now=noon)
    assert opened.sent == 2


def test_invitation_count_is_unchanged_after_a_refusal(open_window: object) -> None:
    problems_of(details(guardians=(Guardian("1"), Guardian(""))))
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0
