"""Who may use which route: every view declares a rule, and the route × role test checks them all.

Routes outside the staff area (family pages, static files, webhooks with their own secret)
declare `@public(reason=...)`; staff views declare the roles that may use them with
`survey_app.staff.access.allow`. Both leave an AccessRule on the view, which the staff area's
deny-by-default guard and the navigation read. It lives here, below both blueprints, so that
family pages and webhooks never import staff code to say they are public.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import Flask

from survey_app.models import StaffRole

View = TypeVar("View", bound=Callable[..., Any])

#: The attribute a decorated view carries its rule in.
RULE_ATTRIBUTE = "access_rule"
#: Rules for endpoints whose view cannot carry an attribute (Flask's own static route).
EXTENSION_KEY = "survey_access_rules"


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
