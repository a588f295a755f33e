"""The access rule itself: what a declaration may say, and whom an empty or public rule admits.

The role × route table checks the rules of the real routes; these check the rule object on
its own (mutants of survey_app/web/access.py that the route tests let through).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from flask import Flask

from survey_app.models import StaffRole, Team, User
from survey_app.staff.access import allow, team_ids_for, visible_teams
from survey_app.web.access import AccessRule, public

from .signin import log_in

EVERYONE = (None, *StaffRole)


def test_a_rule_without_roles_admits_nobody() -> None:
    rule = AccessRule()
    assert not rule.is_public
    assert [rule.admits(role) for role in EVERYONE] == [False] * len(EVERYONE)


def test_a_public_rule_admits_everyone_signed_in_or_not() -> None:
    rule = AccessRule(public_reason="the login form itself")
    assert rule.is_public
    assert [rule.admits(role) for role in EVERYONE] == [True] * len(EVERYONE)


def test_a_role_rule_admits_its_roles_only() -> None:
    rule = AccessRule(roles=frozenset({StaffRole.ADMIN, StaffRole.ANALYST}))
    assert [rule.admits(role) for role in EVERYONE] == [False, True, False, True]


def test_a_declared_rule_cannot_be_changed_afterwards() -> None:
    """Rules are shared by a view and the navigation: nobody may widen one in passing."""
    rule = AccessRule(roles=frozenset({StaffRole.ADMIN}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.roles = frozenset(StaffRole)  # type: ignore[misc]
    assert hash(rule) == hash(AccessRule(roles=frozenset({StaffRole.ADMIN})))


@pytest.mark.parametrize("reason", ["", "   "])
def test_public_needs_a_reason(reason: str) -> None:
    with pytest.raises(ValueError, match=r"^public\(\) needs a reason$"):
        public(reason=reason)


def test_allow_needs_a_role() -> None:
    needs = r"^allow\(\) needs at least one role; use public\(\) for open routes$"
    with pytest.raises(ValueError, match=needs):
        allow()


def test_a_coordinator_sees_only_their_own_active_teams() -> None:
    own = Team(id=1, name="HLT Åsele", active=True)
    closed = Team(id=2, name="HLT Lycksele", active=False)
    other = Team(id=3, name="HLT Umeå", active=True)
    coordinator = User(role=StaffRole.COORDINATOR, teams=[own, closed])
    assert team_ids_for(coordinator) == frozenset({1})
    assert visible_teams(coordinator, [own, closed, other]) == [own]
    for role in (StaffRole.ADMIN, StaffRole.ANALYST):
        assert team_ids_for(User(role=role, teams=[own])) is None
        assert visible_teams(User(role=role), [own, closed, other]) == [own, closed, other]


def test_a_form_posted_after_the_session_ended_waits_for_the_next_sign_in(
    app: Flask, make_user: Callable[..., User]
) -> None:
    """E.g. the browser was closed with the form half filled: no session cookie at all."""
    user = make_user("admin")
    client = app.test_client()
    response = client.post("/staff/campaigns/new", data={"name": "Vårens period"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/login?next=%2Fstaff%2Fcampaigns%2Fnew")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        '<p class="notice info" role="status">Logga in igen, så finns det du skrev kvar i '
        "formuläret.</p>" in login_page
    )
    log_in(client, user.email, path="/staff/login?next=/staff/campaigns/new")
    assert 'value="Vårens period"' in client.get("/staff/campaigns/new").get_data(as_text=True)


def test_a_page_opened_without_a_session_keeps_nothing(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/staff/campaigns/new?name=Vårens+period")
    assert "/staff/login?next=" in response.headers["Location"]
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Logga in igen" not in login_page
    with client.session_transaction() as session:
        assert "staff_kept_form" not in session
