"""Registering a SIP meeting: the meeting, its invitations and their SMS, in one transaction.

The coordinator types up to two guardians and, for children 6–18, the child: each with a
mobile number and a language. A child without a phone gets their own link on guardian N's
phone (the child's invitation carries that phone and `handover_from_id` = guardian N's
invitation). A link's token is made here and exists only in the queued SMS text; the
invitation stores its hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.messaging.outbox import queue_messages
from survey_app.messaging.phones import PhoneNumberProblem, normalise_phone
from survey_app.messaging.schedule import LOCAL_TIME
from survey_app.models import (
    ENDED_STATES,
    AgeBand,
    Campaign,
    ChildAttended,
    Invitation,
    Meeting,
    MeetingService,
    Role,
    Service,
    Team,
    User,
    utcnow,
)
from survey_app.questionnaires import QUESTIONNAIRE_FOR_ROLE

MEETING_REGISTERED = "meeting_registered"
GUARDIAN_SLOTS = 2


@dataclass(frozen=True)
class Guardian:
    phone: str
    language: str = "sv"


@dataclass(frozen=True)
class Child:
    """The child's own phone, or the guardian (1 or 2) whose phone gets the child's link."""

    phone: str = ""
    language: str = "sv"
    handover_to: int | None = None


@dataclass(frozen=True)
class MeetingDetails:
    team_id: int
    held_on: date
    age_band: AgeBand
    child_attended: ChildAttended
    services: tuple[Service, ...]
    #: Slot 1 and 2; an empty phone means no guardian in that slot.
    guardians: tuple[Guardian, ...] = ()
    child: Child | None = None


@dataclass
class RegistrationProblems(Exception):
    """Everything wrong with a registration, by field name (guardian_1_phone, child_phone…)."""

    by_field: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {message}" for name, message in self.by_field.items())


@dataclass(frozen=True)
class RegisteredMeeting:
    meeting_id: int
    invitations: int
    messages: int


def open_campaign(now: datetime | None = None) -> Campaign | None:
    """The window that takes answers now (the latest opened if several)."""
    now = now or utcnow()
    return db.session.scalar(
        select(Campaign)
        .where(Campaign.accepts_answers(now))
        .order_by(Campaign.opens_at.desc())
        .limit(1)
    )


def registration_campaign(now: datetime | None = None) -> Campaign | None:
    """The window a meeting registered now belongs to: the open one, else the next to open.

    Between windows a coordinator registers the meeting while she remembers it; its SMS wait
    in the outbox until the next window opens (no link exists before it is sent).
    """
    now = now or utcnow()
    return open_campaign(now) or db.session.scalar(
        select(Campaign)
        .where(Campaign.opens_at > now, Campaign.state.not_in(ENDED_STATES))
        .order_by(Campaign.opens_at)
        .limit(1)
    )


def waits_for_opening(campaign: Campaign, now: datetime | None = None) -> bool:
    """The window has not opened yet: its SMS go when it does."""
    return (now or utcnow()) < campaign.opens_at


def _phone(raw: str, name: str, problems: dict[str, str]) -> str | None:
    try:
        return normalise_phone(raw)
    except PhoneNumberProblem as problem:
        problems[name] = str(problem)
        return None


def _language(code: str, name: str, problems: dict[str, str]) -> None:
    if code not in FAMILY_LANGUAGES:
        problems[name] = _("Välj ett språk i listan.")


def _check_unique(numbers: Iterable[tuple[str, str, str]], problems: dict[str, str]) -> None:
    """The same number for two people: each person needs their own phone (or a hand-over)."""
    seen: dict[str, str] = {}
    for name, label, number in numbers:
        if number in seen:
            problems[name] = _(
                "Samma nummer som %(other)s. Varje person behöver ett eget nummer. Har barnet "
                "ingen egen telefon: välj att barnets länk skickas till en vårdnadshavare.",
                other=seen[number],
            )
        else:
            seen[number] = label


def validate(details: MeetingDetails, campaign: Campaign | None, now: datetime) -> dict[str, str]:
    """Normalised numbers by field, or raise RegistrationProblems with every problem found."""
    problems: dict[str, str] = {}
    numbers: dict[str, str] = {}
    if campaign is None or campaign.has_ended(now):
        problems["campaign"] = _(
            "Det finns ingen öppen eller kommande insamlingsperiod, så mötet kan inte "
            "registreras nu. Be en administratör lägga upp nästa period; skriv under tiden upp "
            "mötets datum och familjens nummer på ett säkert ställe."
        )
    if details.held_on > now.astimezone(LOCAL_TIME).date():
        problems["held_on"] = _("Mötesdatumet ligger i framtiden. Registrera mötet efteråt.")
    team = db.session.get(Team, details.team_id)
    if team is None or not team.active:
        problems["team_id"] = _("Välj ett av dina team.")
    if not details.services:
        problems["services"] = _("Välj minst en verksamhet som var med på mötet.")
    for slot, guardian in enumerate(details.guardians[:GUARDIAN_SLOTS], start=1):
        if guardian.phone.strip():
            number = _phone(guardian.phone, f"guardian_{slot}_phone", problems)
            if number:
                numbers[f"guardian_{slot}_phone"] = number
            _language(guardian.language, f"guardian_{slot}_language", problems)
    child = details.child
    if child is not None and (child.phone.strip() or child.handover_to):
        if details.age_band is AgeBand.UNDER_6:
            problems["child_phone"] = _(
                "Barn under 6 år får ingen egen enkät. Ta bort barnets nummer eller ändra ålder."
            )
        elif child.phone.strip() and child.handover_to:
            problems["child_handover"] = _(
                "Välj antingen barnets eget nummer eller att länken skickas till en "
                "vårdnadshavare, inte båda."
            )
        elif child.handover_to:
            if f"guardian_{child.handover_to}_phone" not in numbers and not problems.get(
                f"guardian_{child.handover_to}_phone"
            ):
                problems["child_handover"] = _(
                    "Vårdnadshavare %(slot)s har inget nummer att skicka barnets länk till.",
                    slot=child.handover_to,
                )
        else:
            number = _phone(child.phone, "child_phone", problems)
            if number:
                numbers["child_phone"] = number
        _language(child.language, "child_language", problems)
    labels = {
        "guardian_1_phone": _("vårdnadshavare 1"),
        "guardian_2_phone": _("vårdnadshavare 2"),
        "child_phone": _("barnet"),
    }
    _check_unique(((name, labels[name], number) for name, number in numbers.items()), problems)
    if not numbers and not problems:
        problems["guardian_1_phone"] = _("Skriv minst ett mobilnummer, annars skickas inget sms.")
    if problems:
        raise RegistrationProblems(problems)
    return numbers


def _invite(
    meeting: Meeting,
    campaign: Campaign,
    role: Role,
    phone: str,
    language: str,
    now: datetime,
    handover_from: Invitation | None = None,
) -> tuple[Invitation, int]:
    invitation = Invitation(
        meeting=meeting,
        role=role,
        questionnaire_key=QUESTIONNAIRE_FOR_ROLE[role.value],
        language=language,
        phone=phone,
        handover_from=handover_from,
        created_at=now,
    )
    db.session.add(invitation)
    messages = queue_messages(invitation, campaign=campaign, now=now)
    return invitation, len(messages)


def register_meeting(
    details: MeetingDetails,
    registered_by: User | None,
    campaign: Campaign | None = None,
    now: datetime | None = None,
) -> RegisteredMeeting:
    """Validate, then create meeting, services, invitations and their SMS in one transaction.

    Raises RegistrationProblems (nothing written) when anything is wrong.
    """
    now = now or utcnow()
    campaign = campaign or registration_campaign(now)
    numbers = validate(details, campaign, now)
    assert campaign is not None  # noqa: S101  (validate refuses a missing window)
    meeting = Meeting(
        campaign=campaign,
        team=db.session.get(Team, details.team_id),
        held_on=details.held_on,
        age_band=details.age_band,
        child_attended=details.child_attended,
        registered_by_id=registered_by.id if registered_by else None,
        services=[MeetingService(service=service) for service in dict.fromkeys(details.services)],
        created_at=now,
    )
    db.session.add(meeting)
    guardians: dict[int, Invitation] = {}
    messages = 0
    for slot, guardian in enumerate(details.guardians[:GUARDIAN_SLOTS], start=1):
        phone = numbers.get(f"guardian_{slot}_phone")
        if phone:
            guardians[slot], count = _invite(
                meeting, campaign, Role.GUARDIAN, phone, guardian.language, now
            )
            messages += count
    child = details.child
    if child is not None and details.age_band is not AgeBand.UNDER_6:
        role = Role.CHILD if details.age_band is AgeBand.CHILD else Role.YOUTH
        if child.handover_to:
            handover = guardians[child.handover_to]
            assert handover.phone is not None  # noqa: S101  (validate checked the slot)
            messages += _invite(
                meeting, campaign, role, handover.phone, child.language, now, handover
            )[1]
        elif "child_phone" in numbers:
            messages += _invite(
                meeting, campaign, role, numbers["child_phone"], child.language, now
            )[1]
    db.session.flush()
    audit.record(
        registered_by,
        MEETING_REGISTERED,
        "meeting",
        meeting.id,
        invitations=len(meeting.invitations),
        team_id=details.team_id,
    )
    db.session.commit()
    return RegisteredMeeting(
        meeting_id=meeting.id, invitations=len(meeting.invitations), messages=messages
    )
