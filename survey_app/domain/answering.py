"""The family's answers: from an opened link to one anonymous Response, exactly once."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from survey_app.domain.tokens import hash_token, looks_like_token
from survey_app.extensions import db
from survey_app.models import (
    Answer,
    Campaign,
    CampaignState,
    Draft,
    Invitation,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    Response,
    utcnow,
)
from survey_app.models.response import new_response_id
from survey_app.models.types import UTCDateTime
from survey_app.questionnaires import Questionnaire, question_type

LOCAL_TIME = ZoneInfo("Europe/Stockholm")


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link belongs to; None for anything malformed or unknown."""
    if not looks_like_token(token):
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def record_opened(invitation: Invitation) -> None:
    """Note the first opening. Opening never uses a link up: scanners open links too."""
    if invitation.opened_at is None:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.opened_at.is_(None))
            .values(opened_at=utcnow())
        )
        db.session.commit()


def start(invitation_id: int) -> None:
    """Begin answering: a draft to save pages into. Starting twice keeps the first draft."""
    now = utcnow()
    try:
        db.session.execute(
            insert(Draft).values(invitation_id=invitation_id, answers={}, reached_page=1)
        )
    except IntegrityError:  # a parallel start (double tap) created it first
        db.session.rollback()
        return
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id)
        .values(
            opened_at=func.coalesce(Invitation.opened_at, now),
            started_at=func.coalesce(Invitation.started_at, now),
        )
    )
    db.session.commit()


#: Built once: a page save is a third of the family's requests.
_SAVE_PAGE = (
    update(Draft)
    .where(Draft.invitation_id == bindparam("invitee"))
    .values(
        answers=bindparam("saved_answers", type_=JSON()),
        reached_page=bindparam("reached"),
        updated_at=bindparam("saved_at", type_=UTCDateTime()),
    )
)


def save_page(invitation_id: int, answers: Mapping[str, Any], reached_page: int) -> bool:
    """Store the draft's answers after a page, so a dropped connection loses at most one page.

    The caller merges the page into the answers it read in this transaction. False when the
    draft is gone: a parallel request submitted it.
    """
    updated = db.session.connection().execute(
        _SAVE_PAGE,
        {
            "invitee": invitation_id,
            "saved_answers": dict(answers),
            "reached": reached_page,
            "saved_at": utcnow(),
        },
    )
    db.session.commit()
    return updated.rowcount == 1


def response_answers(
    questionnaire: Questionnaire, draft_answers: Mapping[str, str | None]
) -> list[Answer]:
    """The answers to store: every item on a page that was shown, none that a filter skipped."""
    answers: list[Answer] = []
    for page in questionnaire.visible_pages(draft_answers):
        for item in questionnaire.page_items(page, draft_answers):
            value, text = question_type(item).answer(item, draft_answers.get(item.key))
            answers.append(Answer(item_key=item.key, value=value, text=text))
    return answers


class SubmitOutcome(enum.StrEnum):
    STORED = "stored"
    #: The invitation was already completed: a double tap or a retry.
    ALREADY_COMPLETED = "already_completed"
    #: The window closed (or was closed) before this submit could be stored.
    WINDOW_CLOSED = "window_closed"


#: What a Response keeps of the invitation and its meeting, read in the submit's transaction.
_INVITEE = (
    select(
        Invitation.role,
        Invitation.language,
        Meeting.campaign_id,
        Meeting.team_id,
        Meeting.age_band,
    )
    .join(Meeting, Meeting.id == Invitation.meeting_id)
    .where(Invitation.id == bindparam("invitee"))
)
_NOW = bindparam("now", type_=UTCDateTime())
#: On PostgreSQL: closing the window (an UPDATE of this row) waits for the submit, or the
#: submit waits for the close and then sees the window closed. SQLite has one writer anyway.
_SHARE_WINDOW = (
    select(Campaign.id).where(Campaign.id == bindparam("window")).with_for_update(read=True)
)
#: Of two racing submits only one claims the invitation, and none once the window is closed.
_CLAIM = (
    update(Invitation)
    .where(
        Invitation.id == bindparam("invitee"),
        Invitation.completed_at.is_(None),
        select(Campaign.id)
        .where(
            Campaign.id == bindparam("window"),
            Campaign.state.not_in([CampaignState.CLOSED, CampaignState.ANALYSED]),
            Campaign.opens_at <= _NOW,
            Campaign.closes_at > _NOW,
        )
        .exists(),
    )
    .values(completed_at=_NOW)
)
_CANCEL_REMINDERS = (
    update(OutboxMessage)
    .where(
        OutboxMessage.invitation_id == bindparam("invitee"),
        OutboxMessage.kind == MessageKind.REMINDER,
        OutboxMessage.state == MessageState.QUEUED,
    )
    .values(state=MessageState.CANCELLED)
)
_DELETE_DRAFT = delete(Draft).where(Draft.invitation_id == bindparam("invitee"))
_COMPLETED_AT = select(Invitation.completed_at).where(Invitation.id == bindparam("invitee"))


def submit(
    invitation_id: int,
    questionnaire: Questionnaire,
    draft_answers: Mapping[str, str | None],
    now: datetime | None = None,
) -> SubmitOutcome:
    """Store the response once, and only while the window takes answers.

    One transaction: claim the invitation, write the Response and its answers, delete the
    Draft, cancel pending reminders. The statements are built once (module level) and run as
    Core statements: the ORM's unit of work for a response and its dozen answers, and fresh
    cache keys for each statement, were most of a submit's CPU.
    """
    now = now or utcnow()
    answers = response_answers(questionnaire, draft_answers)
    connection = db.session.connection()
    ids = {"invitee": invitation_id}
    invitee = connection.execute(_INVITEE, ids).one()
    window = {**ids, "window": invitee.campaign_id, "now": now}
    connection.execute(_SHARE_WINDOW, window)
    claimed = connection.execute(_CLAIM, window)
    if claimed.rowcount != 1:
        db.session.rollback()
        if db.session.connection().execute(_COMPLETED_AT, ids).scalar() is not None:
            return SubmitOutcome.ALREADY_COMPLETED
        return SubmitOutcome.WINDOW_CLOSED
    response_id = new_response_id()
    connection.execute(
        insert(Response).values(
            id=response_id,
            campaign_id=invitee.campaign_id,
            questionnaire_key=questionnaire.key,
            questionnaire_version=questionnaire.version,
            role=invitee.role,
            age_band=invitee.age_band,
            team_id=invitee.team_id,
            language=invitee.language,
            submitted_on=now.astimezone(LOCAL_TIME).date(),
        )
    )
    if answers:
        connection.execute(
            insert(Answer),
            [
                {
                    "response_id": response_id,
                    "item_key": answer.item_key,
                    "value": answer.value,
                    "text": answer.text,
                }
                for answer in answers
            ],
        )
    connection.execute(_DELETE_DRAFT, ids)
    connection.execute(_CANCEL_REMINDERS, ids)
    db.session.commit()
    return SubmitOutcome.STORED
