"""Who may use which route: every view declares a rule, and the route × role test checks them all.

Staff views use `@allow(StaffRole.ADMIN, ...)`; routes outside the staff area (family pages,
static files, webhooks with their own secret) use `@public(reason=...)`. A coordinator only sees
the objects of their own teams: for anything else `require_team` answers 404, as if it did not
exist, so that ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, current_app, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import login_manager
from ..models import StaffRole, Team, User
from .session import keep_posted_form

View = TypeVar("View", bound=Callable[..., Any])

#: The attribute a decorated view carries its rule in.
RULE_ATTRIBUTE = "access_rule"
#: Rules for endpoints whose view cannot carry an attribute (Flask's own static route).
EXTENSION_KEY = "survey_access_rules"
ALL_STAFF = tuple(StaffRole)


@dataclass(frozen=True)
class AccessRule:
    """Staff roles that may use a route, or the reason it is open to everyone."""

    roles: frozenset[StaffRole] = frozenset()
    public_reason: str | None = None

    @property
    def is_public(self) -> bool:
        return self.public_reason is not None

    def admits(self, role: StaffRole | None) -> bool:
        return self.is_public or (role is not None and role in self.roles)


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


def public(*, reason: str) -> Callable[[View], View]:
    """Declare a route open to everyone, with the reason why that is safe."""
    if not reason.strip():
        raise ValueError("public() needs a reason")
    rule = AccessRule(public_reason=reason)

    def decorate(view: View) -> View:
        setattr(view, RULE_ATTRIBUTE, rule)
        return view

    return decorate


def declare_public(app: Flask, endpoint: str, *, reason: str) -> None:
    """Declare an endpoint public whose view we do not own (e.g. Flask's static files)."""
    app.extensions.setdefault(EXTENSION_KEY, {})[endpoint] = AccessRule(public_reason=reason)


def rule_for(app: Flask, endpoint: str) -> AccessRule | None:
    """The declared rule of an endpoint, or None when it declares none (a bug)."""
    declared = app.extensions.get(EXTENSION_KEY, {}).get(endpoint)
    if declared is not None:
        return cast(AccessRule, declared)
    view = app.view_functions.get(endpoint)
    return cast(AccessRule | None, getattr(view, RULE_ATTRIBUTE, None))


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
