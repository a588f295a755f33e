"""Every route declares who may use it, and every role × route gets exactly what the rule says.

The rules are read from `app.url_map`, so a route added without a rule fails here, and a route
with a rule is checked against anonymous visitors and every staff role on every method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_login import login_user
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Rule

from survey_app.models import CampaignState, StaffRole, User, utcnow
from survey_app.web.access import rule_for

from .conftest import log_in, team_named

ROLES: tuple[StaffRole | None, ...] = (None, *StaffRole)
#: A value for a URL parameter that names nothing.
MISSING_ID = 987654


@dataclass
class World:
    """Real objects for URL parameters: Åsele's meeting is the coordinator's own team's."""

    values: dict[str, Any]
    users: dict[StaffRole, User]


@pytest.fixture
def world(
    app: Flask, make_user: Callable, make_campaign: Callable, make_invitation: Callable
) -> World:
    opens = utcnow() + timedelta(days=30)
    draft = make_campaign(
        state=CampaignState.DRAFT, opens_at=opens, closes_at=opens + timedelta(days=90)
    )
    invitation = make_invitation(team="HLT Åsele")
    users = {
        StaffRole.ADMIN: make_user("admin"),
        StaffRole.COORDINATOR: make_user("coordinator", teams=("HLT Åsele",)),
        StaffRole.ANALYST: make_user("analyst"),
    }
    values = {
        "campaign_id": draft.id,
        "meeting_id": invitation.meeting.id,
        "invitation_id": invitation.id,
        "team_id": team_named("HLT Åsele").id,
        "user_id": users[StaffRole.ANALYST].id,
        "filename": "css/staff.css",
        "token": "not-a-real-token-at-all",
        "page": 1,
    }
    return World(values, users)


def _routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(app: Flask, rule: Rule, world: World) -> str:
    """The rule's URL with real objects where known, and values that name nothing elsewhere."""
    values: dict[str, Any] = {}
    for name in rule.arguments:
        if name in world.values:
            values[name] = world.values[name]
        else:
            converter = rule._converters.get(name)
            values[name] = MISSING_ID if isinstance(converter, IntegerConverter) else "x" * 12
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _client(app: Flask, role: StaffRole | None, world: World) -> FlaskClient:
    client = app.test_client()
    if role is not None:
        assert log_in(client, world.users[role].email).status_code == 302
    return client


def _is_login_redirect(response: Any) -> bool:
    """Sent to log in first (logging out also ends on the login page, but without `next`)."""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "/staff/login?next=" in location


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    undeclared = sorted(
        f"{rule.endpoint} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule_for(app, rule.endpoint) is None
    )
    assert undeclared == [], "routes without @allow(...) or @public(reason=...)"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_each_role_gets_what_the_rules_say(
    app: Flask, world: World, role: StaffRole | None
) -> None:
    problems: list[str] = []
    checked = 0
    for rule, method in _routes(app):
        access = rule_for(app, rule.endpoint)
        assert access is not None, rule.endpoint
        if access.is_public and method != "GET":
            continue  # public POSTs (family answers, webhooks) are tested by their features
        url = _url(app, rule, world)
        with _client(app, role, world).open(url, method=method, data={}) as response:
            status = response.status_code
            login_redirect = _is_login_redirect(response)
        where = f"{role.value if role else 'anonymous'} {method} {url} ({rule.endpoint})"
        checked += 1
        if access.is_public:
            if status in (401, 403) or login_redirect or status >= 500:
                problems.append(f"{where}: public route answered {status}")
        elif role is None:
            if not login_redirect:
                problems.append(f"{where}: anonymous got {status}, expected the login page")
        elif not access.admits(role):
            if status != 403:
                problems.append(f"{where}: forbidden role got {status}, expected 403")
        elif status == 403 or login_redirect or status >= 500:
            problems.append(f"{where}: allowed role got {status}")
    assert checked > 20
    assert problems == []


def test_a_forbidden_post_changes_nothing(app: Flask, world: World) -> None:
    """An analyst forging the admin's form to disable an account is refused before the view."""
    client = _client(app, StaffRole.ANALYST, world)
    target = world.users[StaffRole.ADMIN]
    response = client.post(f"/staff/users/{target.id}/disable")
    assert response.status_code == 403
    assert "Du har inte behörighet" in response.get_data(as_text=True)
    assert target.active


def test_a_staff_view_without_a_rule_is_refused(app: Flask, world: World) -> None:
    """Deny by default: a view that forgot its rule is not served, even to an admin."""
    client = _client(app, StaffRole.ADMIN, world)
    view = app.view_functions["staff.audit_log"]
    saved = view.__dict__.pop("access_rule")
    try:
        assert client.get("/staff/audit").status_code == 403
    finally:
        view.__dict__["access_rule"] = saved
    assert client.get("/staff/audit").status_code == 200


def test_require_team_hides_other_teams_from_coordinators(app: Flask, world: World) -> None:
    from survey_app.staff.access import require_team

    asele, umea = team_named("HLT Åsele"), team_named("HLT Umeå")
    with app.test_request_context("/staff/"):
        login_user(world.users[StaffRole.COORDINATOR])
        require_team(asele.id)  # own team: allowed
        with pytest.raises(NotFound):
            require_team(umea.id)
        with pytest.raises(NotFound):
            require_team(None)
    with app.test_request_context("/staff/"):
        login_user(world.users[StaffRole.ANALYST])
        require_team(umea.id)  # analysts and admins see every team


def test_a_coordinator_gets_404_for_other_teams_objects(app: Flask, world: World) -> None:
    """Every route that takes a meeting, invitation or team answers 404 for another team's."""
    other = _client(app, None, world)
    umea_coordinator = User(
        email="umea@example.se",
        password_hash=world.users[StaffRole.COORDINATOR].password_hash,
        role=StaffRole.COORDINATOR,
        teams=[team_named("HLT Umeå")],
    )
    from survey_app.extensions import db

    db.session.add(umea_coordinator)
    db.session.commit()
    assert log_in(other, umea_coordinator.email).status_code == 302
    problems = []
    checked = 0
    for rule, method in _routes(app):
        access = rule_for(app, rule.endpoint)
        scoped = {"meeting_id", "invitation_id", "team_id"} & set(rule.arguments)
        if access is None or access.is_public or not access.admits(StaffRole.COORDINATOR):
            continue
        if not scoped:
            continue
        url = _url(app, rule, world)
        status = other.open(url, method=method, data={}).status_code
        checked += 1
        if status != 404:
            problems.append(f"{method} {url}: {status}")
    assert checked >= 1, "no coordinator route takes a team's object: nothing was checked"
    assert problems == []


#: The sign-in routes, as a literal table: (method, path, anonymous, coordinator, analyst, admin).
#: "login" is a redirect to the login page; USER stands for another account's id.
SIGN_IN_ROUTES = [
    ("GET", "/staff/login", 200, 302, 302, 302),
    ("GET", "/staff/login/code", "login", "login", "login", "login"),
    ("GET", "/staff/login/sso", 404, 404, 404, 404),  # single sign-on not configured
    ("GET", "/staff/login/sso/callback", 404, 404, 404, 404),
    ("GET", "/staff/reset", 404, 404, 404, 404),  # no reset link opened
    ("GET", "/staff/reset/aaaaaaaaaaaaaaaaaaaaaa", 404, 404, 404, 404),
    ("GET", "/staff/account/second-factor", "login", 200, 200, 200),
    ("POST", "/staff/account/second-factor/recovery-codes", "login", 302, 200, 200),
    ("POST", "/staff/account/second-factor/remove", "login", 302, 302, 302),
    ("POST", "/staff/users/USER/reset-link", "login", 403, 403, 200),
    ("POST", "/staff/users/USER/second-factor/reset", "login", 403, 403, 302),
]


@pytest.mark.parametrize(
    ("method", "path", "anonymous", "coordinator", "analyst", "admin"), SIGN_IN_ROUTES
)
def test_sign_in_routes_answer_each_role_as_the_table_says(
    app: Flask,
    world: World,
    method: str,
    path: str,
    anonymous: int | str,
    admin: int | str,
    coordinator: int | str,
    analyst: int | str,
) -> None:
    expected = {None: anonymous, StaffRole.ADMIN: admin, StaffRole.COORDINATOR: coordinator,
                StaffRole.ANALYST: analyst}  # fmt: skip
    url = path.replace("USER", str(world.users[StaffRole.COORDINATOR].id))
    for role, wanted in expected.items():
        with _client(app, role, world).open(url, method=method, data={}) as response:
            if wanted == "login":
                assert response.status_code == 302, (role, url)
                assert "/staff/login" in response.headers["Location"], (role, url)
            else:
                assert response.status_code == wanted, (role, url, response.status_code)
