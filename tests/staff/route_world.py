"""Real objects behind every URL parameter, for the tests that visit every route of the app.

An allowed role should reach a real page, not a 404 for an id that names nothing: the
coordinator's team (HLT Åsele) owns the meeting and its invitation, a closed window has report
files to download, and the accounts and team that admin forms act on are none of the signed-in
users' (disabling the analyst would spoil the analyst's later requests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from survey_app.models import CampaignState, StaffRole, User, utcnow
from survey_app.reporting.reports import report_directory

from .signin import log_in

#: The campaign, meeting, invitation etc. a path of the tables names, by placeholder.
PLACEHOLDERS = ("draft", "closed", "meeting", "invitation", "user", "team", "area")


@dataclass
class RouteWorld:
    app: Flask
    users: dict[StaffRole, User]
    #: Values for the placeholders of the tables' paths, e.g. "/staff/meetings/{meeting}".
    ids: dict[str, int]
    #: The session cookie of each role's first sign-in, handed to later clients.
    sessions: dict[StaffRole, str] = field(default_factory=dict)

    def path(self, template: str) -> str:
        return template.format(**self.ids)

    def client(self, role: StaffRole | None, *, afresh: bool = False) -> FlaskClient:
        """A new client, signed in unless `role` is None.

        Each client starts from the role's signed-in session cookie (a family page or the
        quick exit visited with one client clears that client's session, not the next one's);
        `afresh` signs in through the real forms again (after a logout ended the session).
        """
        client = self.app.test_client()
        if role is None:
            return client
        name = self.app.config["SESSION_COOKIE_NAME"]
        if afresh or role not in self.sessions:
            response = log_in(client, self.users[role].email)
            assert response.status_code == 302, response.get_data(as_text=True)
            cookie = client.get_cookie(name)
            assert cookie is not None
            self.sessions[role] = cookie.value
        else:
            client.set_cookie(name, self.sessions[role])
        return client


def build_route_world(
    app: Flask,
    make_user: Callable[..., User],
    make_campaign: Callable[..., Any],
    make_invitation: Callable[..., Any],
    team_named: Callable[[str], Any],
) -> RouteWorld:
    now = utcnow()
    draft = make_campaign(
        name="Kommande",
        state=CampaignState.DRAFT,
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=120),
    )
    closed = make_campaign(
        name="Stängd",
        state=CampaignState.CLOSED,
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=1),
    )
    invitation = make_invitation(team="HLT Åsele")
    # A closed window's report as the closing leaves it (what the download routes serve);
    # without results.json, so the window is not ready for summaries yet.
    folder = report_directory(closed.id)
    (folder / "charts").mkdir(parents=True)
    (folder / "report.html").write_text("<!doctype html><title>Rapport</title>", "utf-8")
    (folder / "free_text.csv").write_text("item,text\n", "utf-8")
    (folder / "charts" / "funnel.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    users = {
        StaffRole.COORDINATOR: make_user("coordinator", teams=("HLT Åsele",)),
        StaffRole.ADMIN: make_user("admin"),
        StaffRole.ANALYST: make_user("analyst"),
    }
    asele = team_named("HLT Åsele")
    ids = {
        "draft": draft.id,
        "closed": closed.id,
        "meeting": invitation.meeting.id,
        "invitation": invitation.id,
        # Admin forms act on an account and a team that no signed-in user depends on.
        "user": make_user("coordinator", email="annan@example.se", teams=("HLT Umeå",)).id,
        "team": team_named("HLT Umeå").id,
        "area": asele.municipality.area_id,
    }
    assert set(ids) == set(PLACEHOLDERS)
    return RouteWorld(app, users, ids)
