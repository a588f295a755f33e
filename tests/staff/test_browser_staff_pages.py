"""Every staff page in Chromium: axe-core finds nothing, at 1280 px and at 320 px, in Swedish
and English, and no page scrolls sideways on a phone.

One test per role and language walks all the pages that role uses (forms shown with their
errors too) and reports every problem at once; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from survey_app.domain.lifecycle import close_campaign
from survey_app.extensions import db
from survey_app.models import CampaignState, User, utcnow
from tests.browser import follow
from tests.family.conftest import ARTIFACTS, axe_violations

from .conftest import PASSWORD
from .signin import code_for

pytestmark = pytest.mark.browser

WIDTHS = (1280, 320)


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int]


@pytest.fixture
def world(
    make_user: Callable[..., User],
    make_campaign: Callable,
    make_meeting: Callable,
    make_invitation: Callable,
) -> World:
    """An open window with meetings, a draft window, and a closed window with its report."""
    now = utcnow()
    closed = make_campaign(
        name="Våren 2026",
        opens_at=now - timedelta(days=200),
        closes_at=now - timedelta(days=100),
        state=CampaignState.OPEN,
    )
    for _ in range(3):
        make_invitation(meeting=make_meeting(campaign=closed))
    close_campaign(closed.id, now)
    running = make_campaign(name="Hösten 2026")
    meeting = make_meeting(campaign=running)
    guardian = make_invitation(meeting=meeting, language="ti")
    make_invitation(meeting=meeting, role="child", phone=None)
    draft = make_campaign(
        name="2027",
        state=CampaignState.DRAFT,
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=120),
    )
    users = {
        "admin": make_user("admin", email="admin@region.se"),
        "coordinator": make_user("coordinator", email="anna@region.se", teams=("HLT Åsele",)),
        "analyst": make_user("analyst", email="analytiker@region.se"),
    }
    ids = {
        "meeting": meeting.id,
        "invitation": guardian.id,
        "running": running.id,
        "closed": closed.id,
        "draft": draft.id,
    }
    return World(users, ids)


Step = Callable[[Any, World], None]


def _visit(path: str) -> Step:
    def go(page: Any, world: World) -> None:
        follow_to(page, path.format(**world.ids))

    return go


def _submit_empty(path: str, button: str | None = None) -> Step:
    """The form sent empty (or with its defaults): the page with its error summary."""

    def go(page: Any, world: World) -> None:
        follow_to(page, path.format(**world.ids))
        form = page.locator("main form.staff-form").first
        target = form.locator("button[type=submit], input[type=submit]")
        if button:
            target = form.get_by_role("button", name=button)
        for field in form.locator("input[type=text], input[type=email], input[type=tel]").all():
            field.fill("")
        follow(target.first)
        assert page.locator(".error-summary").count() >= 1, page.url

    return go


def follow_to(page: Any, path: str) -> None:
    page.goto(page.origin + path)


PAGES: dict[str, list[tuple[str, Step]]] = {
    "admin": [
        ("home", _visit("/staff/")),
        ("meetings-new", _visit("/staff/meetings/new")),
        ("meetings-new-errors", _submit_empty("/staff/meetings/new")),
        ("meetings", _visit("/staff/meetings?period=")),
        ("meetings-search-error", _visit("/staff/meetings?held_from=igår&status=x")),
        ("meeting", _visit("/staff/meetings/{meeting}")),
        ("invitation-correct", _visit("/staff/invitations/{invitation}/correct")),
        ("invitation-resend", _visit("/staff/invitations/{invitation}/resend")),
        ("invitation-withdraw", _visit("/staff/invitations/{invitation}/withdraw")),
        ("invitation-letter", _visit("/staff/invitations/{invitation}/letter")),
        ("campaigns", _visit("/staff/campaigns")),
        ("campaign-new-errors", _submit_empty("/staff/campaigns/new")),
        ("campaign-draft", _visit("/staff/campaigns/{draft}")),
        ("campaign-running", _visit("/staff/campaigns/{running}")),
        ("campaign-close", _visit("/staff/campaigns/{running}/close")),
        ("campaign-extend", _visit("/staff/campaigns/{running}/extend")),
        ("campaign-extend-errors", _submit_empty("/staff/campaigns/{running}/extend")),
        ("campaign-closed", _visit("/staff/campaigns/{closed}")),
        ("campaign-summaries", _visit("/staff/campaigns/{closed}/summaries")),
        ("teams", _visit("/staff/teams")),
        ("teams-errors", _submit_empty("/staff/teams")),
        ("places", _visit("/staff/places")),
        ("users", _visit("/staff/users")),
        ("user-new-errors", _submit_empty("/staff/users/new")),
        ("audit", _visit("/staff/audit")),
        ("audit-filter-error", _visit("/staff/audit?since=igår")),
        ("outbox", _visit("/staff/outbox")),
        ("translations", _visit("/staff/translations")),
        ("results", _visit("/staff/results")),
        ("results-running", _visit("/staff/results/{running}")),
        ("results-closed", _visit("/staff/results/{closed}")),
        ("password", _visit("/staff/password")),
        ("not-found", _visit("/staff/meetings/987654")),
    ],
    "coordinator": [
        ("home", _visit("/staff/")),
        ("meetings-new", _visit("/staff/meetings/new")),
        ("meetings", _visit("/staff/meetings")),
        ("meeting", _visit("/staff/meetings/{meeting}")),
        ("invitation-correct", _visit("/staff/invitations/{invitation}/correct")),
        ("invitation-withdraw", _visit("/staff/invitations/{invitation}/withdraw")),
        ("results-teams", _visit("/staff/results/{running}")),
        ("forbidden", _visit("/staff/audit")),
    ],
    "analyst": [
        ("home", _visit("/staff/")),
        ("results-closed", _visit("/staff/results/{closed}")),
    ],
}


def _log_in(page: Any, user: User) -> None:
    follow_to(page, "/staff/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    follow(page.locator("main form button[type=submit]"))
    if page.url.endswith("/staff/login/code"):  # admins and analysts: the app's code next
        page.locator("#code").fill(code_for(user))
        follow(page.locator("main form button[type=submit]"))
    assert "/staff/login" not in page.url, page.content()[:2000]


def _sideways_scroll(page: Any) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def _check(page: Any, name: str, problems: list[str]) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        label = f"{name} @ {width}px"
        report = axe_violations(page)
        if report:
            problems.append(f"{label}: {report}")
        if width < 400 and (extra := _sideways_scroll(page)) > 0:
            problems.append(f"{label}: scrolls {extra}px sideways")
        page.screenshot(path=str(ARTIFACTS / f"staff-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_staff_pages_pass_axe_and_fit_a_phone(
    desk: Callable[[str], Any], world: World, role: str, language: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    user = world.users[role]
    user.language = language
    db.session.commit()
    page = desk("sv-SE" if language == "sv" else "en-GB")
    problems: list[str] = []
    follow_to(page, "/staff/login")
    _check(page, f"{language}-login", problems)
    _log_in(page, user)
    assert page.locator("html").get_attribute("lang") == language
    for name, step in PAGES[role]:
        step(page, world)
        _check(page, f"{language}-{role}-{name}", problems)
    assert problems == [], "\n\n".join(problems)
