"""Opening and closing collection windows, and what closing does.

Closing freezes the data in one transaction — no more sending, unfinished drafts counted and
deleted, reminders deleted, phone numbers deleted, the sealed answers released in groups of at
least MIN_GROUP_SIZE (survey_app.domain.release) and the keyed marks of who opened, started and
answered deleted, state closed — then scrubs what the database file keeps of deleted rows
(survey_app.ops.scrub), and only after that produces the report, so a failing analysis can
never leave a window half closed. Closing is idempotent: a closed window is left as it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, delete, func, select, update

from survey_app.domain import audit
from survey_app.domain.release import release_window
from survey_app.domain.sealing import SealError
from survey_app.extensions import db
from survey_app.models import (
    ENDED_STATES,
    Campaign,
    CampaignState,
    Draft,
    Invitation,
    LinkMark,
    Meeting,
    MessageKind,
    MessageState,
    OutboxMessage,
    User,
)
from survey_app.ops.scrub import scrub_deleted_data
from survey_app.reporting.reports import has_report, replace_report

logger = logging.getLogger(__name__)

CAMPAIGN_CLOSED = "campaign_closed"


class UnknownCampaign(LookupError):
    """No collection window has this id."""


class CloseFailed(RuntimeError):
    """The window could not be closed (nothing was changed); the message says why."""


@dataclass(frozen=True)
class CloseSummary:
    """What one call of close_campaign did (all zero when the window was already closed)."""

    campaign_id: int
    already_closed: bool
    messages_cancelled: int = 0
    drafts_discarded: int = 0
    phones_deleted: int = 0
    responses_released: int = 0
    report_directory: Path | None = None
    #: Why the report could not be produced (the window is closed all the same).
    report_error: str | None = None


def _invitations_of(campaign_id: int) -> Select[tuple[int]]:
    return select(Invitation.id).join(Meeting).where(Meeting.campaign_id == campaign_id)


def _freeze(
    campaign_id: int, now: datetime, actor: User | None, manual: bool
) -> CloseSummary | None:
    """The closing transaction; None when another run (or an earlier one) closed it first."""
    # The conditional UPDATE claims the close (and SQLite's write lock) before anything else,
    # so of two racing closes only one does the work, and no draft appears after the count.
    claimed = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.state.not_in(ENDED_STATES))
        .values(state=CampaignState.CLOSED, closed_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return None
    invitations = _invitations_of(campaign_id)
    drafts = (
        db.session.scalar(
            select(func.count()).select_from(Draft).where(Draft.campaign_id == campaign_id)
        )
        or 0
    )
    db.session.execute(delete(Draft).where(Draft.campaign_id == campaign_id))
    db.session.execute(
        update(Campaign).where(Campaign.id == campaign_id).values(drafts_discarded=drafts)
    )
    # Reminders go, whatever their state: which ones were still waiting would say who had not
    # answered. Invitation SMS still queued are cancelled (those a worker has already handed
    # to the gateway, `sending`, cannot be called back).
    reminders = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.invitation_id.in_(invitations),
            OutboxMessage.kind == MessageKind.REMINDER,
        )
    )
    cancelled = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.invitation_id.in_(invitations),
            OutboxMessage.state == MessageState.QUEUED,
        )
        .values(state=MessageState.CANCELLED, last_error="the collection window has ended")
    )
    phones = db.session.execute(
        update(Invitation)
        .where(Invitation.id.in_(invitations), Invitation.phone.is_not(None))
        .values(phone=None)
    )
    try:
        released = release_window(campaign_id, int(current_app.config["MIN_GROUP_SIZE"]))
    except SealError as error:
        db.session.rollback()
        raise CloseFailed(
            f"collection window {campaign_id} was not closed: its answers cannot be opened "
            f"({error})"
        ) from error
    db.session.execute(delete(LinkMark).where(LinkMark.campaign_id == campaign_id))
    summary = CloseSummary(
        campaign_id=campaign_id,
        already_closed=False,
        messages_cancelled=cancelled.rowcount + reminders.rowcount,  # type: ignore[attr-defined]
        drafts_discarded=drafts,
        phones_deleted=phones.rowcount,  # type: ignore[attr-defined]
        responses_released=released.responses,
    )
    if manual or actor is not None:
        # Closing by hand is a staff decision worth a trace; the clock's close is not.
        campaign = db.session.get_one(Campaign, campaign_id)
        audit.record(
            actor,
            CAMPAIGN_CLOSED,
            "campaign",
            campaign_id,
            drafts_discarded=summary.drafts_discarded,
            messages_cancelled=summary.messages_cancelled,
            early=now < campaign.closes_at,
        )
    db.session.commit()
    return summary


def _report(summary: CloseSummary) -> CloseSummary:
    """Produce the stored report after the freeze; mark the window analysed when it worked."""
    try:
        report = replace_report(summary.campaign_id)
    except Exception as error:  # any analysis failure: the window stays closed, retry later
        logger.exception("report for collection window %s failed", summary.campaign_id)
        return replace(summary, report_error=f"{type(error).__name__}: {error}")
    db.session.execute(
        update(Campaign)
        .where(Campaign.id == summary.campaign_id, Campaign.state == CampaignState.CLOSED)
        .values(state=CampaignState.ANALYSED)
    )
    db.session.commit()
    return replace(summary, report_directory=report.directory)


def close_campaign(
    campaign_id: int, now: datetime, actor: User | None = None, *, manual: bool = False
) -> CloseSummary:
    """Close a window (idempotent).

    `manual` marks a close by hand (`flask campaign close`), `actor` the staff member behind
    it when known; both are recorded in the audit log. The worker's close at the window's
    end is neither.

    On a window closed earlier nothing in the data changes; only a report that is missing
    (because the analysis failed then) is produced again. Raises CloseFailed, with nothing
    changed, when the window's sealed answers cannot be opened with the configured keys.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise UnknownCampaign(campaign_id)
    summary = None
    if campaign.state not in ENDED_STATES:
        summary = _freeze(campaign_id, now, actor, manual)
    if summary is None:
        summary = CloseSummary(campaign_id=campaign_id, already_closed=True)
        if has_report(campaign_id):
            return summary
    summary = _report(summary)
    # Last, after the report's own write: the log then holds nothing from before the close.
    scrub_deleted_data()
    return summary


def open_due_campaigns(now: datetime) -> list[int]:
    """Open draft windows whose opening time has come (and whose end has not)."""
    due = list(
        db.session.scalars(
            select(Campaign.id).where(
                Campaign.state == CampaignState.DRAFT,
                Campaign.opens_at <= now,
                Campaign.closes_at > now,
            )
        )
    )
    if due:
        db.session.execute(
            update(Campaign)
            .where(Campaign.id.in_(due), Campaign.state == CampaignState.DRAFT)
            .values(state=CampaignState.OPEN)
        )
        db.session.commit()
    return due


def close_due_campaigns(now: datetime) -> list[CloseSummary]:
    """Close every window whose closing time has passed and that is not closed yet."""
    due = list(
        db.session.scalars(
            select(Campaign.id)
            .where(Campaign.state.not_in(ENDED_STATES), Campaign.closes_at <= now)
            .order_by(Campaign.id)
        )
    )
    return [close_campaign(campaign_id, now) for campaign_id in due]


@dataclass(frozen=True)
class JobsSummary:
    opened: list[int]
    closed: list[CloseSummary]


def run_due_jobs(now: datetime) -> JobsSummary:
    """What the worker runs on every round: open what is due, then close what is due."""
    return JobsSummary(opened=open_due_campaigns(now), closed=close_due_campaigns(now))
