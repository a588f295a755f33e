"""A coordinator registers a meeting with a wrong number, corrects it, sends the link again and
withdraws the invitation, in Chromium, from the meeting page. What the family's links do, what
the outbox holds and what the audit log says are checked after each step."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from survey_app.domain.invitations import (
    INVITATION_CORRECTED,
    INVITATION_RESENT,
    INVITATION_WITHDRAWN,
)
from survey_app.extensions import db
from survey_app.messaging.gateways import ConsoleGateway
from survey_app.messaging.outbox import send_due
from survey_app.models import (
    AuditEvent,
    Invitation,
    MessageKind,
    MessageState,
    OutboxMessage,
    User,
)
from tests.browser import follow
from tests.clock import daytime

from .test_browser_staff_pages import _log_in, follow_to

pytestmark = pytest.mark.browser

WRONG, RIGHT = "+46701740605", "+46701740688"
NOT_VALID = "Länken fungerar inte"


def _send_queued(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What the worker sends at 10 tomorrow morning, outside quiet hours (the console gateway
    prints it): the links in it."""
    db.session.expire_all()
    capsys.readouterr()
    send_due(ConsoleGateway(), now=daytime())
    return re.findall(r"/s/([\w-]{22})", capsys.readouterr().out)


def _opens(browser: Any, live_server: str, token: str) -> str:
    """What a family's phone shows for the link: the page's main heading."""
    context = browser.new_context(locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/s/{token}")
        return str(page.locator("h1").first.inner_text())
    finally:
        context.close()


def _guardians() -> list[Invitation]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Invitation).order_by(Invitation.id)))


def _invites_to(invitation: Invitation) -> list[tuple[MessageState, str | None]]:
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.invitation_id == invitation.id,
            OutboxMessage.kind.in_((MessageKind.INVITE, MessageKind.RESEND)),
        )
    )
    return [(row.state, invitation.phone) for row in rows]


def _audited(action: str) -> int:
    return len(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all())


def _action(page: Any, meeting_path: str, link: str) -> None:
    follow_to(page, meeting_path)
    follow(page.get_by_role("link", name=link).first)


def test_register_a_wrong_number_correct_resend_and_withdraw(
    desk: Callable[[str], Any],
    browser: Any,
    live_server: str,
    make_user: Callable[..., User],
    make_campaign: Callable[..., Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_campaign()  # an open window
    coordinator = make_user("coordinator", email="anna@region.se", teams=("HLT Åsele",))
    page = desk("sv-SE")
    _log_in(page, coordinator)

    # Registered with a wrong number; the SMS goes, and the link opens for whoever has it.
    follow_to(page, "/staff/meetings/new")
    page.locator("input[name=age_band]").first.check()
    page.locator("input[name=child_attended]").first.check()
    page.locator("input[name=services]").first.check()
    page.locator("#guardian_1_phone").fill("070-174 06 05")
    follow(page.locator("main form button[type=submit]").first)
    assert "Mötet är registrerat" in page.locator("main").inner_text()
    (wrong,) = _guardians()
    meeting_path = f"/staff/meetings/{wrong.meeting_id}"
    assert wrong.phone == WRONG
    (old_link,) = _send_queued(capsys)
    assert _opens(browser, live_server, old_link) != NOT_VALID

    # A number that is not one: the form says so, nothing changes.
    _action(page, meeting_path, "Rätta nummer eller språk")
    page.locator("#phone").fill("070-12")
    follow(page.get_by_role("button", name="Rätta och skicka ny länk"))
    assert page.locator(".error-summary").is_visible()
    assert _opens(browser, live_server, old_link) != NOT_VALID
    assert _audited(INVITATION_CORRECTED) == 0

    # Corrected: the old link is dead at once, its queued reminder cancelled, a new SMS queued
    # to the new number, and the log says so.
    page.locator("#phone").fill("070-174 06 88")
    follow(page.get_by_role("button", name="Rätta och skicka ny länk"))
    assert page.url == live_server + meeting_path
    assert "Inbjudan är rättad" in page.locator("main").inner_text()
    assert _opens(browser, live_server, old_link) == NOT_VALID
    old, new = _guardians()
    assert old.withdrawn_at is not None
    pending = {MessageState.QUEUED, MessageState.SENDING}
    old_messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.invitation_id == old.id)
    ).all()
    assert not any(message.state in pending for message in old_messages)
    assert _invites_to(new) == [(MessageState.QUEUED, RIGHT)]
    assert _audited(INVITATION_CORRECTED) == 1
    (new_link,) = _send_queued(capsys)
    assert _opens(browser, live_server, new_link) != NOT_VALID

    # Sent again: confirmed first; one more invitation SMS, logged.
    _action(page, meeting_path, "Skicka igen")
    assert page.get_by_role("heading", level=1).inner_text() == "Skicka länken igen"
    follow(page.locator("main form button[type=submit]"))
    assert "Länken skickas igen med sms" in page.locator("main").inner_text()
    db.session.expire_all()
    assert len(_invites_to(new)) == 2
    assert _audited(INVITATION_RESENT) == 1
    (resent_link,) = _send_queued(capsys)

    # Withdrawn: confirmed first; every link of the invitation dies, nothing stays queued.
    _action(page, meeting_path, "Återkalla")
    assert page.get_by_role("heading", level=1).inner_text() == "Återkalla inbjudan"
    follow(page.locator("main form button[type=submit]"))
    main = page.locator("main").inner_text()
    assert "Inbjudan är återkallad" in main
    assert page.get_by_role("link", name="Återkalla").count() == 0
    for link in (new_link, resent_link):
        assert _opens(browser, live_server, link) == NOT_VALID
    db.session.expire_all()
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.invitation_id == new.id)
    ).all()
    assert not any(message.state in pending for message in messages)
    assert _audited(INVITATION_WITHDRAWN) == 1
