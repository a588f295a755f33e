"""The family's answers: from an opened link to one sealed response, exactly once.

Nothing written here names the invitation: opening, starting and answering leave keyed marks
(survey_app.domain.sealing) and add to per-role counts; the draft is sealed under the
invitation's keyed "draft" mark; the submitted response is sealed under a random id with the
details its release at close will need (role, team, age band, language, whether the child took
part in the meeting and which services were there) inside the seal. So a
copy of the database taken at any moment — the first answer of the window included — holds
no row that ties an answer, or the fact of answering, to a person.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from survey_app.domain import sealing
from survey_app.domain.free_text import mask_identifying_details
from survey_app.domain.transactions import (
    end_begun_transaction,
    is_postgresql,
    outside_transaction,
)
from survey_app.extensions import db
from survey_app.models import (
    AgeBand,
    Campaign,
    ChildAttended,
    Draft,
    FunnelCount,
    Invitation,
    LinkMark,
    Meeting,
    MeetingService,
    Role,
    SealedResponse,
    Service,
    utcnow,
)
from survey_app.models.response import new_response_id
from survey_app.models.types import UTCDateTime
from survey_app.questionnaires import Questionnaire, question_type

LOCAL_TIME = ZoneInfo("Europe/Stockholm")

OPENED, STARTED, ANSWERED, DRAFT = "opened", "started", "answered", "draft"


def draft_context(key: str) -> str:
    """What a draft's seal is bound to: its own key (a draft moved to another row won't open)."""
    return f"draft:{key}"


def response_context(response_id: str) -> str:
    return f"response:{response_id}"


# The INSERTs of opening and starting, in SQL both SQLite and PostgreSQL run. Written as text
# because SQLAlchemy never caches a dialect's INSERT … ON CONFLICT construct: it was compiled
# anew on every call, a fifth of a page's CPU. (ON CONFLICT DO NOTHING is told apart by
# RETURNING, not by the row count, which psycopg reports as -1 for some INSERTs.)
_WRITES = {
    "new_mark": text(
        "INSERT INTO link_marks (mark, campaign_id) VALUES (:mark, :window) "
        "ON CONFLICT DO NOTHING RETURNING mark"
    ),
    "new_draft": text(
        "INSERT INTO drafts (key, campaign_id, sealed) "
        "VALUES (:draft_key, :window, :sealed) ON CONFLICT DO NOTHING RETURNING key"
    ).bindparams(bindparam("sealed", type_=Draft.__table__.c.sealed.type)),
    "count": text(
        "INSERT INTO funnel_counts (campaign_id, role, stage, count) "
        "VALUES (:window, :role, :stage, 1) ON CONFLICT (campaign_id, role, stage) "
        "DO UPDATE SET count = funnel_counts.count + 1"
    ).bindparams(bindparam("role", type_=FunnelCount.__table__.c.role.type)),
    # Starting leaves two marks and may add to two counts: one statement each instead of two.
    # (The same rows, written in the same order: opened before started.)
    "new_marks": text(
        "INSERT INTO link_marks (mark, campaign_id) VALUES (:mark, :window), (:mark_2, :window) "
        "ON CONFLICT DO NOTHING RETURNING mark"
    ),
    "counts": text(
        "INSERT INTO funnel_counts (campaign_id, role, stage, count) "
        "VALUES (:window, :role, :stage, 1), (:window, :role, :stage_2, 1) "
        "ON CONFLICT (campaign_id, role, stage) DO UPDATE SET count = funnel_counts.count + 1"
    ).bindparams(bindparam("role", type_=FunnelCount.__table__.c.role.type)),
}


#: start() on PostgreSQL: the draft; only when it is new, the opened and started marks; and a
#: count for each mark that was not there. (Data-modifying WITH queries all run, in one
#: snapshot; each sees only what the ones before it RETURN. Rows go in the order opened,
#: started, as above, so two starts lock the counts in the same order.)
_START_IN_ONE = text(
    "WITH draft AS ("
    " INSERT INTO drafts (key, campaign_id, sealed) VALUES (:draft_key, :window, :sealed)"
    " ON CONFLICT DO NOTHING RETURNING key"
    "), stages (rank, mark, stage) AS (VALUES (1, :mark, :stage), (2, :mark_2, :stage_2)"
    "), marks AS ("
    " INSERT INTO link_marks (mark, campaign_id)"
    " SELECT stages.mark, :window FROM draft CROSS JOIN stages ORDER BY stages.rank"
    " ON CONFLICT DO NOTHING RETURNING mark"
    "), counts AS ("
    " INSERT INTO funnel_counts (campaign_id, role, stage, count)"
    " SELECT :window, :role, stages.stage, 1 FROM marks JOIN stages USING (mark)"
    " ORDER BY stages.rank"
    " ON CONFLICT (campaign_id, role, stage) DO UPDATE SET count = funnel_counts.count + 1"
    ") SELECT key FROM draft"
).bindparams(
    bindparam("sealed", type_=Draft.__table__.c.sealed.type),
    bindparam("role", type_=FunnelCount.__table__.c.role.type),
)


def _write(statement: str, values: dict[str, Any]) -> Any:
    return db.session.connection().execute(_WRITES[statement], values)


def _count(campaign_id: int, role: Role, stage: str) -> None:
    """Add one to a window's per-role count of opened or started invitations."""
    _write("count", {"window": campaign_id, "role": role, "stage": stage})


def _first_time(stage: str, invitation_id: int, campaign_id: int) -> bool:
    """Leave the stage's mark; True when it was not there (under any configured key)."""
    earlier = sealing.marks(stage, invitation_id)[1:]
    if earlier and db.session.scalar(select(exists().where(LinkMark.mark.in_(earlier)))):
        return False
    new = _write("new_mark", {"mark": sealing.mark(stage, invitation_id), "window": campaign_id})
    return new.first() is not None


def record_opened(invitation_id: int, role: Role, campaign_id: int) -> None:
    """Count the first opening. Opening never uses a link up: scanners open links too."""
    if _first_time(OPENED, invitation_id, campaign_id):
        _count(campaign_id, role, OPENED)
    db.session.commit()


def _seal_draft(key: str, answers: Mapping[str, Any], reached_page: int) -> bytes:
    return sealing.seal(
        {"answers": dict(answers), "reached_page": reached_page}, draft_context(key)
    )


def open_draft(key: str, sealed: bytes) -> tuple[dict[str, Any], int]:
    """The answers and furthest page of a sealed draft."""
    payload = sealing.unseal(sealed, draft_context(key))
    return dict(payload["answers"]), int(payload["reached_page"])


def start(
    invitation_id: int,
    role: Role,
    campaign_id: int,
    answers: Mapping[str, Any] | None = None,
    reached_page: int = 1,
) -> bool:
    """Begin answering: a sealed draft to save pages into, with the first answers when they
    come with the start (a guardian's start page carries the first question). Starting twice
    keeps the first draft; False when there was one already."""
    key = sealing.mark(DRAFT, invitation_id)
    draft = {
        "draft_key": key,
        "window": campaign_id,
        "sealed": _seal_draft(key, answers or {}, reached_page),
    }
    if is_postgresql() and len(sealing.marks(OPENED, invitation_id)) == 1:
        # The draft, its marks and its counts in one statement: atomic without a transaction,
        # one round trip instead of five (survey_app.domain.transactions).
        opened, started = (sealing.mark(stage, invitation_id) for stage in (OPENED, STARTED))
        stages = {"mark": opened, "stage": OPENED, "mark_2": started, "stage_2": STARTED}
        with outside_transaction() as connection:
            began = connection.execute(_START_IN_ONE, {**draft, **stages, "role": role})
            created = began.first() is not None
        end_begun_transaction()  # (in one, as a test's shared session, it ends it)
        return created
    created = _write("new_draft", draft).first() is not None
    if created:
        _open_and_start(invitation_id, role, campaign_id)
    db.session.commit()
    return created


def _open_and_start(invitation_id: int, role: Role, campaign_id: int) -> None:
    """Leave the opened and started marks, and count each one that was not there."""
    if len(sealing.marks(OPENED, invitation_id)) > 1:
        # A key change is under way: a mark may be there under an earlier key.
        for stage in (OPENED, STARTED):
            if _first_time(stage, invitation_id, campaign_id):
                _count(campaign_id, role, stage)
        return
    stage_of = {sealing.mark(stage, invitation_id): stage for stage in (OPENED, STARTED)}
    opened, started = stage_of
    new = [
        stage_of[mark]
        for mark in _write(
            "new_marks", {"mark": opened, "mark_2": started, "window": campaign_id}
        ).scalars()
    ]
    if len(new) == 2:
        _write("counts", {"window": campaign_id, "role": role, "stage": OPENED, "stage_2": STARTED})
    elif new:
        _count(campaign_id, role, new[0])


#: Built once: a page save is a third of the family's requests.
_SAVE_PAGE = (
    update(Draft).where(Draft.key == bindparam("draft_key")).values(sealed=bindparam("sealed"))
)


def save_page(invitation_id: int, answers: Mapping[str, Any], reached_page: int) -> bool:
    """Store the draft's answers after a page, so a dropped connection loses at most one page.

    The caller merges the page into the answers it read in this transaction. False when the
    draft is gone: a parallel request submitted it.
    """
    key = sealing.mark(DRAFT, invitation_id)
    with outside_transaction() as connection:  # one statement: it needs no transaction
        updated = connection.execute(
            _SAVE_PAGE, {"draft_key": key, "sealed": _seal_draft(key, answers, reached_page)}
        )
    end_begun_transaction()  # (SQLite's transaction; on PostgreSQL nothing is left to commit)
    return bool(updated.rowcount == 1)


class ItemAnswer(NamedTuple):
    """One answer as it goes into the seal (and, at close, into an Answer row)."""

    item_key: str
    value: int | None
    text: str | None


def response_answers(
    questionnaire: Questionnaire, draft_answers: Mapping[str, str | None]
) -> list[ItemAnswer]:
    """The answers to store: every item on a page that was shown, none that a filter skipped.

    Free text is stored with phone numbers, identity numbers, e-mails and addresses masked.
    (Plain tuples: they only go into the seal, and an ORM object each cost more to make.)
    """
    answers: list[ItemAnswer] = []
    for page in questionnaire.visible_pages(draft_answers):
        for item in questionnaire.page_items(page, draft_answers):
            value, text = question_type(item).answer(item, draft_answers.get(item.key))
            if text:
                text = mask_identifying_details(text)
            answers.append(ItemAnswer(item.key, value, text))
    return answers


class SubmitOutcome(enum.StrEnum):
    STORED = "stored"
    #: The invitation had already answered: a double tap or a retry.
    ALREADY_COMPLETED = "already_completed"
    #: The window closed (or was closed) before this submit could be stored.
    WINDOW_CLOSED = "window_closed"


#: The meeting's services in the same round trip as the rest ("a,b"; SQL leaves the order
#: open: meeting_services sorts them).
MEETING_SERVICES = (
    select(func.aggregate_strings(MeetingService.service, ","))
    .where(MeetingService.meeting_id == Meeting.id)
    .scalar_subquery()
    .label("services")
)


def meeting_services(aggregated: str | None) -> tuple[Service, ...]:
    return tuple(sorted(Service(name) for name in (aggregated or "").split(",") if name))


#: What the release at close needs of the invitation and its meeting, kept only inside the
#: seal. (The family pages read the same with the page: survey_app.respond.visit.)
_INVITEE = (
    select(
        Invitation.role,
        Invitation.language,
        Meeting.campaign_id,
        Meeting.team_id,
        Meeting.age_band,
        Meeting.child_attended,
        MEETING_SERVICES,
    )
    .join(Meeting, Meeting.id == Invitation.meeting_id)
    .where(Invitation.id == bindparam("invitee"))
)
_NOW = bindparam("now", type_=UTCDateTime())
#: On PostgreSQL: closing the window (an UPDATE of this row) waits for the submit, or the
#: submit waits for the close and then sees the window closed. SQLite has one writer anyway
#: (and renders no FOR SHARE): the statement is not sent there.
_SHARE_WINDOW = (
    select(Campaign.id).where(Campaign.id == bindparam("window")).with_for_update(read=True)
)
#: The claim: the "answered" mark, written only while the window takes answers. Of two racing
#: submits the second breaks the mark's uniqueness; after close the SELECT finds no window.
#: (The window rule is called with a bound parameter: its SQL side; mypy sees the Python one.)
_CLAIM = (
    insert(LinkMark)
    .from_select(
        ["mark", "campaign_id"],
        select(bindparam("mark", type_=String()), bindparam("window", type_=Integer())).where(
            exists().where(
                Campaign.id == bindparam("window"),
                Campaign.accepts_answers(_NOW),  # type: ignore[arg-type]
            )
        ),
    )
    .returning(LinkMark.mark)
)
_DELETE_DRAFT = delete(Draft).where(Draft.key == bindparam("draft_key"))
_INSERT_RESPONSE = insert(SealedResponse)


def _submit_in_one() -> Any:
    """The submit's writes on PostgreSQL as one statement (survey_app.domain.transactions):
    the window shared only while it takes answers (a close waits for the statement, or the
    statement for the close, which it then sees), the claim, the sealed response and the
    draft's deletion, each only after the one before it; 1 when stored."""
    window = (
        select(Campaign.id)
        .where(Campaign.id == bindparam("window"), Campaign.accepts_answers(_NOW))  # type: ignore[arg-type]
        .with_for_update(read=True)
        .cte("open_window")
    )
    claim = (
        insert(LinkMark)
        .from_select(
            ["mark", "campaign_id"], select(bindparam("mark", type_=String()), window.c.id)
        )
        .returning(LinkMark.mark)
        .cte("claim")
    )
    stored = (
        insert(SealedResponse)
        .from_select(
            ["id", "campaign_id", "sealed"],
            select(
                bindparam("id", type_=String()),
                bindparam("campaign_id", type_=Integer()),
                bindparam("sealed", type_=SealedResponse.__table__.c.sealed.type),
            ).select_from(claim),
        )
        .returning(SealedResponse.id)
        .cte("stored")
    )
    draft_gone = (
        delete(Draft)
        .where(Draft.key == bindparam("draft_key"), exists(select(stored.c.id)))
        .cte("draft_gone")
    )
    return select(func.count()).select_from(stored).add_cte(draft_gone)


_SUBMIT_IN_ONE = _submit_in_one()


@dataclass(frozen=True)
class Invitee:
    """What a response's release will need of its invitation: kept only inside the seal."""

    role: Role
    team_id: int
    age_band: AgeBand
    language: str
    campaign_id: int
    child_attended: ChildAttended
    services: tuple[Service, ...]


def sealed_response(
    questionnaire: Questionnaire, invitee: Invitee, answers: list[ItemAnswer]
) -> dict[str, Any]:
    """The values of a SealedResponse row: a random id and the sealed answers."""
    response_id = new_response_id()
    payload = {
        "questionnaire": questionnaire.key,
        "version": questionnaire.version,
        "role": invitee.role.value,
        "team_id": invitee.team_id,
        "age_band": invitee.age_band.value,
        "language": invitee.language,
        "child_attended": invitee.child_attended.value,
        "services": [service.value for service in invitee.services],
        "answers": [[a.item_key, a.value, a.text] for a in answers],
    }
    return {
        "id": response_id,
        "campaign_id": invitee.campaign_id,
        "sealed": sealing.seal(payload, response_context(response_id)),
    }


def has_answered(invitation_id: int) -> bool:
    """Whether the invitation's answer is in (under any configured key)."""
    return bool(
        db.session.scalar(
            select(exists().where(LinkMark.mark.in_(sealing.marks(ANSWERED, invitation_id))))
        )
    )


def submit(
    invitation_id: int,
    questionnaire: Questionnaire,
    draft_answers: Mapping[str, str | None],
    now: datetime | None = None,
    invitee: Invitee | None = None,
) -> SubmitOutcome:
    """Store the response once, sealed, and only while the window takes answers.

    One transaction (on PostgreSQL one statement): claim the invitation's "answered" mark,
    write the sealed response, delete the draft. Pending reminders are not touched here (a
    cancellation written now would line up with the answer): the worker skips them when they
    come due. `invitee`: what the page read of the invitation already (else it is read here);
    a transaction would not make it fresher, as each statement reads what is committed.
    """
    now = now or utcnow()
    answers = response_answers(questionnaire, draft_answers)
    if is_postgresql() and len(sealing.marks(ANSWERED, invitation_id)) == 1:
        return _submit_on_postgresql(invitation_id, questionnaire, answers, now, invitee)
    connection = db.session.connection()
    invitee = invitee or _invitee(connection, invitation_id)
    if len(sealing.marks(ANSWERED, invitation_id)) > 1 and has_answered(invitation_id):
        db.session.rollback()
        return SubmitOutcome.ALREADY_COMPLETED
    window = {"window": invitee.campaign_id, "now": now}
    if connection.dialect.name != "sqlite":
        connection.execute(_SHARE_WINDOW, window)
    try:
        claimed = connection.execute(
            _CLAIM, {**window, "mark": sealing.mark(ANSWERED, invitation_id)}
        )
    except IntegrityError:
        db.session.rollback()
        return SubmitOutcome.ALREADY_COMPLETED
    if claimed.first() is None:
        db.session.rollback()
        return SubmitOutcome.WINDOW_CLOSED
    connection.execute(_INSERT_RESPONSE, sealed_response(questionnaire, invitee, answers))
    connection.execute(_DELETE_DRAFT, {"draft_key": sealing.mark(DRAFT, invitation_id)})
    db.session.commit()
    return SubmitOutcome.STORED


def _invitee(connection: Connection, invitation_id: int) -> Invitee:
    row = connection.execute(_INVITEE, {"invitee": invitation_id}).one()
    return Invitee(
        row.role,
        row.team_id,
        row.age_band,
        row.language,
        row.campaign_id,
        row.child_attended,
        meeting_services(row.services),
    )


def _submit_on_postgresql(
    invitation_id: int,
    questionnaire: Questionnaire,
    answers: list[ItemAnswer],
    now: datetime,
    invitee: Invitee | None,
) -> SubmitOutcome:
    """The same submit as one statement that writes all or nothing (a second submit's claim
    breaks the mark's uniqueness and stores nothing)."""
    with outside_transaction() as connection:
        invitee = invitee or _invitee(connection, invitation_id)
        try:
            stored = connection.execute(
                _SUBMIT_IN_ONE,
                {
                    **sealed_response(questionnaire, invitee, answers),
                    "window": invitee.campaign_id,
                    "now": now,
                    "mark": sealing.mark(ANSWERED, invitation_id),
                    "draft_key": sealing.mark(DRAFT, invitation_id),
                },
            ).scalar_one()
        except IntegrityError:
            stored = None
    # (Outside a transaction there is nothing to end; in one, as a test's shared session, it
    # ends as the submit on SQLite does.)
    if not stored:
        end_begun_transaction(commit=False)
        return SubmitOutcome.WINDOW_CLOSED if stored == 0 else SubmitOutcome.ALREADY_COMPLETED
    end_begun_transaction()
    return SubmitOutcome.STORED
