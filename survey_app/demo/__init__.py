"""Demo data that shows the service: an open window, meetings and one link per role/language."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from survey_app.demo.accounts import ensure_demo_accounts
from survey_app.domain.tokens import hash_token
from survey_app.extensions import db
from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.messaging.outbox import queue_messages
from survey_app.models import (
    AgeBand,
    Campaign,
    CampaignState,
    ChildAttended,
    Invitation,
    Link,
    Meeting,
    MeetingService,
    Role,
    Service,
    Team,
    utcnow,
)
from survey_app.questionnaires import QUESTIONNAIRE_FOR_ROLE

DEMO_CAMPAIGN_NAME = "Demo: SIP-uppföljning"
#: An earlier, closed and analysed window, so the demo's report compares with something.
PREVIOUS_CAMPAIGN_NAME = "Demo: förra perioden"
#: Numbers the Swedish regulator sets aside for fiction: 070-174 06 05 … 070-174 06 99.
FICTIONAL_NUMBERS = [f"+4670174060{n}" if n < 10 else f"+467017406{n}" for n in range(5, 100)]


class DemoError(RuntimeError):
    """The demo cannot be created (e.g. the database has not been migrated)."""


@dataclass
class DemoLink:
    role: str
    language: str
    url: str
    team: str


@dataclass
class DemoResult:
    base_url: str
    campaign_id: int
    links: list[DemoLink] = field(default_factory=list)
    staff: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class DemoInvitation:
    label: str
    role: Role
    language: str


@dataclass(frozen=True)
class DemoMeeting:
    label: str
    municipality_team: str
    age_band: AgeBand
    child_attended: ChildAttended
    services: tuple[Service, ...]
    invitations: tuple[DemoInvitation, ...]


DEMO_MEETINGS = (
    DemoMeeting(
        "asele-child",
        "HLT Åsele",
        AgeBand.CHILD,
        ChildAttended.YES,
        (Service.SOCIAL_SERVICES, Service.SCHOOL_HEALTH),
        (
            DemoInvitation("guardian", Role.GUARDIAN, "sv"),
            DemoInvitation("child", Role.CHILD, "sv"),
        ),
    ),
    DemoMeeting(
        "umea-youth",
        "HLT Umeå",
        AgeBand.YOUTH,
        ChildAttended.PARTLY,
        (Service.SOCIAL_SERVICES, Service.CHILD_PSYCHIATRY, Service.SCHOOL_HEALTH),
        (
            DemoInvitation("guardian", Role.GUARDIAN, "sv"),
            DemoInvitation("youth", Role.YOUTH, "sv"),
        ),
    ),
    DemoMeeting(
        "languages",
        "HLT Skellefteå",
        AgeBand.CHILD,
        ChildAttended.NO,
        (Service.PRIMARY_CARE, Service.SOCIAL_SERVICES),
        tuple(DemoInvitation(f"guardian-{code}", Role.GUARDIAN, code) for code in FAMILY_LANGUAGES),
    ),
)


def demo_token(label: str) -> str:
    """A stable token per demo invitation, so running the demo twice prints the same links."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"demo-link:{label}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def _demo_campaign() -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.name == DEMO_CAMPAIGN_NAME))
    now = utcnow()
    if campaign is None:
        campaign = Campaign(
            name=DEMO_CAMPAIGN_NAME,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=90),
            state=CampaignState.OPEN,
        )
        db.session.add(campaign)
        db.session.flush()
    return campaign


def create_demo() -> DemoResult:
    """Create (idempotently) the demo window, meetings and invitations; return the links."""
    teams = {team.name: team for team in db.session.scalars(select(Team))}
    if not teams:
        raise DemoError("No teams found: run `flask --app wsgi db upgrade` first.")
    campaign = _demo_campaign()
    base_url = current_app.config["SURVEY_BASE_URL"]
    result = DemoResult(base_url=base_url, campaign_id=campaign.id)
    numbers = iter(FICTIONAL_NUMBERS)
    for spec in DEMO_MEETINGS:
        team = teams[spec.municipality_team]
        tokens = {
            inv.label: demo_token(f"{campaign.id}:{spec.label}:{inv.label}")
            for inv in spec.invitations
        }
        existing = db.session.scalars(
            select(Link).where(Link.token_hash.in_([hash_token(t) for t in tokens.values()]))
        ).all()
        if not existing:
            meeting = Meeting(
                campaign=campaign,
                team=team,
                held_on=date.today() - timedelta(days=2),  # noqa: DTZ011
                age_band=spec.age_band,
                child_attended=spec.child_attended,
                services=[MeetingService(service=service) for service in spec.services],
            )
            db.session.add(meeting)
            for inv in spec.invitations:
                invitation = Invitation(
                    role=inv.role,
                    questionnaire_key=QUESTIONNAIRE_FOR_ROLE[inv.role],
                    language=inv.language,
                    phone=next(numbers),
                )
                meeting.invitations.append(invitation)
                db.session.flush()
                # The printed demo link, as a letter's would be (its hash only).
                db.session.add(
                    Link(token_hash=hash_token(tokens[inv.label]), invitation_id=invitation.id)
                )
                # Through the real outbox, so `flask sms send-due` shows the demo's SMS (each
                # with a link of its own, made when it is sent).
                queue_messages(invitation, campaign=campaign)
        else:
            for _inv in spec.invitations:
                next(numbers)
        for inv in spec.invitations:
            result.links.append(
                DemoLink(
                    role=inv.role.value,
                    language=inv.language,
                    url=f"{base_url}/s/{tokens[inv.label]}",
                    team=team.name,
                )
            )
    result.staff = ensure_demo_accounts(teams)
    db.session.commit()
    return result


def create_previous_window(responses: int) -> tuple[int, bool]:
    """An earlier demo window with simulated answers, closed and analysed (its report stored).

    Idempotent: a second call finds the window and adds nothing. Returns (window id, whether
    it was made now). Closing goes through the real close (release, report), so the demo
    window's report compares with it as it would with last year's.
    """
    from survey_app.demo.simulate import simulate_responses
    from survey_app.domain.lifecycle import close_campaign

    campaign = db.session.scalar(select(Campaign).where(Campaign.name == PREVIOUS_CAMPAIGN_NAME))
    if campaign is not None:
        return campaign.id, False
    now = utcnow()
    campaign = Campaign(
        name=PREVIOUS_CAMPAIGN_NAME,
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=2),
        state=CampaignState.OPEN,
    )
    db.session.add(campaign)
    db.session.commit()
    # A seed of its own, so the earlier window's answers differ from the demo window's.
    simulate_responses(campaign.id, responses, seed=1_000_003)
    summary = close_campaign(campaign.id, utcnow(), manual=True)
    if summary.report_error is not None:
        raise DemoError(f"the earlier window's report failed: {summary.report_error}")
    return campaign.id, True
