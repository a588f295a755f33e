"""Simulated answers for the demo: meetings, invitations through a realistic funnel, responses.

Answers are built by `answering.response_answers`, the function a family's submit uses, from
draft answers as the pages would have posted them, so filters and scales are applied the same
way. The rows are written in batches rather than one transaction per response (a submit
waits for the disk), which makes a few thousand responses take seconds. Nothing here is used
outside the demo.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from survey_app.domain import sealing
from survey_app.domain.answering import (
    ANSWERED,
    DRAFT,
    OPENED,
    STARTED,
    Invitee,
    draft_context,
    response_answers,
    sealed_response,
)
from survey_app.domain.tokens import hash_token, new_token
from survey_app.extensions import db
from survey_app.models import (
    AgeBand,
    Campaign,
    ChildAttended,
    Draft,
    FunnelCount,
    Invitation,
    Link,
    LinkMark,
    Meeting,
    MeetingService,
    Response,
    Role,
    SealedResponse,
    Service,
    Team,
    utcnow,
)
from survey_app.questionnaires import (
    NO_ANSWER,
    QUESTIONNAIRE_FOR_ROLE,
    Questionnaire,
    all_questionnaires,
)

#: Approximate population of Västerbotten's municipalities: meetings are drawn in proportion,
#: so small inland municipalities get few answers and show suppression as real data would.
POPULATION = {
    "Dorotea": 2_400, "Lycksele": 12_100, "Malå": 3_000, "Sorsele": 2_400, "Storuman": 5_800,
    "Vilhelmina": 6_600, "Åsele": 2_800, "Bjurholm": 2_400, "Nordmaling": 7_000,
    "Robertsfors": 6_700, "Umeå": 131_000, "Vindeln": 5_400, "Vännäs": 8_700,
    "Norsjö": 4_000, "Skellefteå": 77_000,
}  # fmt: skip
AGE_BANDS = ((AgeBand.UNDER_6, 0.18), (AgeBand.CHILD, 0.36), (AgeBand.YOUTH, 0.46))
LANGUAGES = (("sv", 0.85), ("ar", 0.05), ("so", 0.03), ("en", 0.02), ("fa", 0.02),
             ("fi", 0.02), ("ti", 0.01))  # fmt: skip
#: P(opened | delivered), P(started | opened), P(completed | started) per role.
FUNNEL = {Role.GUARDIAN: (0.75, 0.88, 0.9), Role.CHILD: (0.7, 0.82, 0.8),
          Role.YOUTH: (0.62, 0.8, 0.82)}  # fmt: skip
#: Children say "Vet inte" far more often than adults.
DONT_KNOW = {Role.GUARDIAN: 0.04, Role.CHILD: 0.15, Role.YOUTH: 0.07}
#: Weak spots seen in SIP follow-ups: influence and the plan are rated lower.
DIMENSION_SHIFT = {"influence": -0.5, "plan": -0.25, "child_involvement": -0.3}
COMMENT_RATE = {Role.GUARDIAN: 0.2, Role.YOUTH: 0.12, Role.CHILD: 0.0}
COMMENTS = (
    "Bra möte, alla var pålästa.",
    "Mötet var för långt för mitt barn.",
    "Jag hade önskat att skolan var med.",
    "Det var svårt att hinna säga allt, det gick fort.",
    "Vi fick kallelsen för sent.",
    "Planen känns oklar, vem ringer vi när något händer?",
    "Jag kände mig lyssnad på för första gången.",
    "Tolken kom inte, så jag förstod inte allt.",
    "Det var jobbigt att många vuxna pratade om mig.",
    "Bra, men för många personer i rummet.",
)
#: Numbers set aside for fiction (070-174 06 05 … 070-174 06 99).
FICTIONAL_NUMBERS = [f"+467017406{n:02d}" for n in range(5, 100)]
#: Responses per transaction.
BATCH = 500


@dataclass(frozen=True)
class SimulationSummary:
    campaign_id: int
    meetings: int
    invitations: int
    responses: int


def _pick(rng: random.Random, weighted: tuple[tuple[object, float], ...]) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _draft_answers(
    rng: random.Random, questionnaire: Questionnaire, role: Role
) -> dict[str, str | None]:
    """Answers as the pages would have posted them; the filter decides what is asked."""
    mood = rng.gauss(0.6, 0.9)  # some families are pleased overall, some are not
    answers: dict[str, str | None] = {}
    for item in questionnaire.items:
        if item.type == "text":
            if rng.random() < COMMENT_RATE[role]:
                answers[item.key] = rng.choice(COMMENTS)
            continue
        scale = item.choice_scale
        values = sorted(scale.values)
        if item.dimension == "filter":
            answers[item.key] = str(_pick(rng, ((values[-1], 0.84), (values[1], 0.08),
                                                (values[0], 0.08))))  # fmt: skip
            continue
        if scale.no_answer is not None and rng.random() < DONT_KNOW[role]:
            answers[item.key] = NO_ANSWER
            continue
        score = mood + DIMENSION_SHIFT.get(item.dimension, 0.0) + rng.gauss(0.0, 0.8)
        # Equal-width steps on the latent score, the top option the most common.
        step = int((score + 1.6) / (2.6 / (len(values) - 1)))
        answers[item.key] = str(values[max(0, min(len(values) - 1, step))])
    return answers


class _Simulation:
    def __init__(self, campaign: Campaign, rng: random.Random, now: datetime) -> None:
        self.campaign = campaign
        self.rng = rng
        self.now = now
        self.start = max(campaign.opens_at, now - timedelta(days=60))
        self.questionnaires = all_questionnaires()
        teams = db.session.scalars(
            select(Team).where(Team.active.is_(True)).order_by(Team.id)
        ).all()
        self.teams = [t for t in teams if t.municipality.name in POPULATION]
        self.weights = [POPULATION[t.municipality.name] for t in self.teams]
        self.meetings = self.invitations = self.responses = 0
        self.counts: Counter[tuple[Role, str]] = Counter()

    def moment(self) -> datetime:
        span = (self.now - self.start).total_seconds()
        return self.start + timedelta(seconds=self.rng.uniform(0, max(span, 1.0)))

    def meeting(self) -> Meeting:
        rng = self.rng
        age_band = AgeBand(str(_pick(rng, AGE_BANDS)))
        team = rng.choices(self.teams, weights=self.weights)[0]
        attended = ChildAttended.NO if age_band == AgeBand.UNDER_6 else ChildAttended.YES
        services = rng.sample([Service.SOCIAL_SERVICES, Service.SCHOOL_HEALTH,
                               Service.PRIMARY_CARE, Service.CHILD_PSYCHIATRY], k=2)  # fmt: skip
        meeting = Meeting(
            campaign=self.campaign,
            team=team,
            held_on=self.moment().date() - timedelta(days=2),
            age_band=age_band,
            child_attended=attended,
            services=[MeetingService(service=s) for s in services],
        )
        db.session.add(meeting)
        self.meetings += 1
        return meeting

    def roles(self, meeting: Meeting) -> list[Role]:
        roles = [Role.GUARDIAN] * (2 if self.rng.random() < 0.3 else 1)
        if meeting.age_band == AgeBand.CHILD and self.rng.random() < 0.6:
            roles.append(Role.CHILD)
        if meeting.age_band == AgeBand.YOUTH and self.rng.random() < 0.75:
            roles.append(Role.YOUTH)
        return roles

    def invite(self, meeting: Meeting, role: Role, may_complete: bool) -> None:
        """One invitation through the funnel, stored as the family path would have stored it:
        a link for each SMS sent, keyed marks and counts, a sealed draft or response."""
        rng = self.rng
        language = str(_pick(rng, LANGUAGES))
        invitation = Invitation(
            meeting=meeting,
            role=role,
            questionnaire_key=QUESTIONNAIRE_FOR_ROLE[role],
            language=language,
            phone=rng.choice(FICTIONAL_NUMBERS),
        )
        db.session.add(invitation)
        self.invitations += 1
        moment = self.moment()
        opened, started, completed = FUNNEL[role]
        if rng.random() >= 0.99:
            return
        db.session.flush()
        invitation.sent_at = moment
        db.session.add(Link(token_hash=hash_token(new_token()), invitation_id=invitation.id))
        if rng.random() >= 0.96:
            return
        invitation.delivered_at = moment
        if rng.random() < 0.03:
            invitation.opted_out_at = moment
            return
        if rng.random() >= opened:
            return
        self.mark(OPENED, invitation)
        if rng.random() >= started:
            return
        self.mark(STARTED, invitation)
        questionnaire = self.questionnaires[invitation.questionnaire_key]
        if not (may_complete and rng.random() < completed):
            # Stopped half way: the first page is saved, as the family path would have.
            first = questionnaire.items[0]
            draft = {first.key: _draft_answers(rng, questionnaire, role)[first.key]}
            key = sealing.mark(DRAFT, invitation.id)
            sealed = sealing.seal({"answers": draft, "reached_page": 2}, draft_context(key))
            db.session.add(Draft(key=key, campaign_id=self.campaign.id, sealed=sealed))
            return
        self.mark(ANSWERED, invitation)
        answers = response_answers(questionnaire, _draft_answers(rng, questionnaire, role))
        invitee = Invitee(
            role,
            meeting.team.id,
            meeting.age_band,
            language,
            self.campaign.id,
            meeting.child_attended,
            tuple(sorted(s.service for s in meeting.services)),
        )
        db.session.add(SealedResponse(**sealed_response(questionnaire, invitee, answers)))
        self.responses += 1
        if self.responses % BATCH == 0:
            self.flush_counts()
            db.session.commit()

    def mark(self, stage: str, invitation: Invitation) -> None:
        db.session.add(
            LinkMark(mark=sealing.mark(stage, invitation.id), campaign_id=self.campaign.id)
        )
        if stage in (OPENED, STARTED):
            self.counts[(invitation.role, stage)] += 1

    def flush_counts(self) -> None:
        """Add the counts gathered so far to the window's funnel counts."""
        for (role, stage), count in self.counts.items():
            row = db.session.get(FunnelCount, (self.campaign.id, role, stage))
            if row is None:
                db.session.add(
                    FunnelCount(campaign_id=self.campaign.id, role=role, stage=stage, count=count)
                )
            else:
                row.count += count
        db.session.flush()
        self.counts.clear()


def simulate_responses(
    campaign_id: int, count: int, seed: int | None = None, invitations: int = 0
) -> SimulationSummary:
    """Add `count` more completed responses (and the unanswered invitations around them).

    With `invitations`, meetings are added until at least that many invitations exist, the
    later ones unanswered (a window at the county's scale with few answers in yet). The seed
    defaults to the window's number of responses, so each call adds different answers and a
    fresh demo is reproducible.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise LookupError(f"no collection window with id {campaign_id}")
    if seed is None:
        seed = sum(
            db.session.scalar(
                select(func.count()).select_from(table).where(table.campaign_id == campaign_id)
            )
            or 0
            for table in (SealedResponse, Response)
        )
    simulation = _Simulation(campaign, random.Random(seed), utcnow())  # noqa: S311 (not secret)
    if not simulation.teams:
        raise LookupError("no teams: run `flask --app wsgi db upgrade` first")
    while simulation.responses < count or simulation.invitations < invitations:
        meeting = simulation.meeting()
        for role in simulation.roles(meeting):
            simulation.invite(meeting, role, may_complete=simulation.responses < count)
    simulation.flush_counts()
    db.session.commit()
    return SimulationSummary(
        campaign_id, simulation.meetings, simulation.invitations, simulation.responses
    )
