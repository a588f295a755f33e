"""Which staff roles may use a staff view, and which teams' objects a staff member may see.

Staff views use `@allow(StaffRole.ADMIN, ...)` (the rule itself is the shared AccessRule of
survey_app.web.access). A coordinator only sees the objects of their own teams: for anything
else `require_team` answers 404, as if it did not exist, so that ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, cast

from flask import abort, current_app, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.extensions import login_manager
from survey_app.models import StaffRole, Team, User
from survey_app.staff.session import keep_posted_form
from survey_app.web.access import RULE_ATTRIBUTE, AccessRule, View

ALL_STAFF = tuple(StaffRole)


def allow(*roles: StaffRole) -> Callable[[View], View]:
    """Require a logged-in, active staff member with one of `roles` (403 otherwise)."""
    if not roles:
        raise ValueError("allow() needs at least one role; use public() for open routes")
    rule = AccessRule(roles=frozenset(roles))

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.method == "POST" and keep_posted_form():
                    # The session had ended (e.g. the browser was closed): the form waits.
                    flash(_("Logga in igen, så finns det du skrev kvar i formuläret."), "info")
                return login_manager.unauthorized()
            if current_user.role not in rule.roles:
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, RULE_ATTRIBUTE, rule)
        return cast(View, guarded)

    return decorate


def current_staff() -> User:
    """The logged-in staff member (views behind @allow only)."""
    if not current_user.is_authenticated:
        abort(401)
    return cast(User, current_user._get_current_object())


def team_ids_for(user: User) -> frozenset[int] | None:
    """Teams whose objects the user may see: None means all teams (admin, analyst)."""
    if user.role == StaffRole.COORDINATOR:
        return frozenset(team.id for team in user.teams if team.active)
    return None


def visible_teams(user: User, teams: Iterable[Team]) -> list[Team]:
    """The given teams narrowed to those the user may see."""
    allowed = team_ids_for(user)
    return [team for team in teams if allowed is None or team.id in allowed]


def require_team(team_id: int | None) -> None:
    """404 unless the current staff member may see objects of this team."""
    allowed = team_ids_for(current_staff())
    if allowed is not None and team_id not in allowed:
        current_app.logger.info("staff access outside own teams refused")
        abort(404)
