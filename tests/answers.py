"""What a test may read of the family's answers: the sealed responses, opened with the app's key.

Responses are sealed while their window is open (survey_app.domain.answering); tests that check
what a submit stored open them here, the way the release at close does.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from survey_app.domain import sealing
from survey_app.domain.answering import response_context
from survey_app.extensions import db
from survey_app.models import FunnelCount, SealedResponse


@dataclass(frozen=True)
class Submitted:
    """One sealed response, opened."""

    questionnaire_key: str
    version: int
    role: str
    team_id: int
    age_band: str
    language: str
    #: item key → (value, text)
    answers: dict[str, tuple[int | None, str | None]]


def submitted(campaign_id: int | None = None) -> list[Submitted]:
    """The sealed responses (of one window, or all), opened."""
    query = sa.select(SealedResponse.id, SealedResponse.sealed)
    if campaign_id is not None:
        query = query.where(SealedResponse.campaign_id == campaign_id)
    found = []
    for response_id, sealed in db.session.execute(query):
        payload = sealing.unseal(sealed, response_context(response_id))
        found.append(
            Submitted(
                questionnaire_key=payload["questionnaire"],
                version=payload["version"],
                role=payload["role"],
                team_id=payload["team_id"],
                age_band=payload["age_band"],
                language=payload["language"],
                answers={key: (value, text) for key, value, text in payload["answers"]},
            )
        )
    return found


def funnel_counts(campaign_id: int) -> dict[tuple[str, str], int]:
    """(role, stage) → count of the window's opened / started invitations."""
    rows = db.session.execute(
        sa.select(FunnelCount.role, FunnelCount.stage, FunnelCount.count).where(
            FunnelCount.campaign_id == campaign_id
        )
    )
    return {(role.value, stage): count for role, stage, count in rows}


def draft_of(invitation_id: int) -> tuple[dict[str, object], int] | None:
    """The invitation's sealed draft, opened: (answers, reached page), or None."""
    from survey_app.domain.answering import DRAFT, open_draft
    from survey_app.models import Draft

    key = sealing.mark(DRAFT, invitation_id)
    draft = db.session.get(Draft, key)
    if draft is None:
        return None
    db.session.refresh(draft)
    return open_draft(key, draft.sealed)
