"""With CSRF on, a POST without a token to any route changes nothing and gets a clear page.

Most tests turn CSRF off, so exempting one staff form from the check (`csrf.exempt`) passed the
whole suite. Here every POST route of the app is either refused without its token, signed in
with a role that may use it, or named in CSRF_EXEMPT with the reason it may take POSTs without
Flask-WTF's check. The exempt family routes are swept too: without a token they save nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from survey_app.extensions import csrf, db
from survey_app.models import StaffRole

from .route_world import RouteWorld
from .signin import log_in_with_token
from .test_role_route_matrix import COLUMNS, LOGIN, MATRIX

#: POST routes without Flask-WTF's check before the view, and why that is safe.
CSRF_EXEMPT = {
    # The family pages validate their FlaskForm themselves: a stale or missing token shows the
    # page again with what was typed (an old phone's page must not end in an error page).
    "respond.start_page": "family page: checks its own form, shows the page again",
    "respond.question_page": "family page: checks its own form, shows the page again",
    "respond.seen": "family page: counts the opening only with the page's token",
    "respond.hand_over": "family page: checks its own form, goes back to the thank-you page",
    "respond.stop_messages": "family page: checks its own form, goes back to the start page",
    "quick_exit": "leaving must work with any page, however old its token",
    # Called by the SMS providers, which have no session: their secret is the credential.
    "hooks.elks_delivery_report": "authenticated by the per-message secret in the URL",
    "hooks.elks_inbound": "authenticated by the inbound secret in the URL",
    "hooks.twilio_status": "authenticated by Twilio's request signature",
    "hooks.twilio_inbound": "authenticated by Twilio's request signature",
}
#: The staff error page of a form that failed its CSRF check (survey_app/staff/errors.py).
FORM_EXPIRED = "Formuläret behöver skickas igen"


def database_contents() -> dict[str, list[str]]:
    """Every row of every table, read afresh: equal snapshots mean nothing was written."""
    with db.engine.connect() as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(sa.select(table)))
            for table in db.metadata.sorted_tables
        }


def _post_routes(app: Flask) -> Iterator[tuple[str, str]]:
    """(endpoint, a path from the matrix) of every route that takes a POST."""
    paths = {endpoint: path for endpoint, method, path, *_ in MATRIX if method == "POST"}
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or set()):
            yield rule.endpoint, paths[rule.endpoint]


def _a_role_that_may_post(endpoint: str) -> StaffRole | None:
    """The first role the matrix lets through (anonymous for sign-in steps nobody gets past)."""
    row = next(r for r in MATRIX if r[0] == endpoint and r[1] == "POST")
    for role, outcome in zip(COLUMNS, row[3:], strict=True):
        if outcome not in (403, LOGIN):
            return role
    return None


@pytest.fixture
def csrf_app(app_factory: Callable[..., Flask], route_world: RouteWorld) -> Flask:
    return app_factory(WTF_CSRF_ENABLED=True)


def test_the_exempt_list_names_routes_that_take_posts(app: Flask) -> None:
    posts = {endpoint for endpoint, _path in _post_routes(app)}
    assert sorted(set(CSRF_EXEMPT) - posts) == []


def test_only_the_family_pages_and_the_webhooks_are_exempt_from_the_check(app: Flask) -> None:
    """What Flask-WTF itself was told: a `csrf.exempt` added anywhere else fails here.

    (Views are exempted when their modules are imported: `app` makes sure they are.)
    """
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == {"respond", "hooks"}
    assert csrf._exempt_views == {"survey_app.respond.exit.quick_exit"}


def test_a_post_without_a_token_is_refused_on_every_other_route(
    csrf_app: Flask, route_world: RouteWorld
) -> None:
    clients: dict[StaffRole | None, FlaskClient] = {}
    problems = []
    checked = 0
    for endpoint, path in sorted(_post_routes(csrf_app)):
        if endpoint in CSRF_EXEMPT:
            continue
        role = _a_role_that_may_post(endpoint)
        if role not in clients:
            clients[role] = csrf_app.test_client()
            if role is not None:
                log_in_with_token(clients[role], route_world.users[role])
        before = database_contents()
        url = route_world.path(path)
        response = clients[role].post(url, data={})
        page = response.get_data(as_text=True)
        checked += 1
        who = role.value if role is not None else "anonymous"
        if response.status_code != 400 or FORM_EXPIRED not in page:
            problems.append(
                f"{who} POST {url} ({endpoint}): {response.status_code}, not the form-expired page"
            )
        if database_contents() != before:
            problems.append(f"{who} POST {url} ({endpoint}): the database changed")
    assert checked >= 25
    assert problems == []


def test_the_exempt_family_posts_save_nothing_without_a_token(
    csrf_app: Flask, make_invitation: Callable[..., Any]
) -> None:
    invitation = make_invitation()
    client = csrf_app.test_client()
    assert client.get(f"/s/{invitation.token}").status_code in (200, 302)
    client.get("/s/")  # the start page, as a family sees it before answering
    before = database_contents()
    answers = {"G0": "2", "G1": "3", "js": "1", "action": "next"}
    posts = [
        ("/s/", {}),
        ("/s/q/1", answers),
        ("/s/q/2", answers),
        ("/s/sedd", {}),
        ("/s/barnets-tur", {}),
        ("/s/inga-fler-sms", {}),
        ("/hooks/46elks/fel-hemlighet", {"id": "s1", "status": "delivered"}),
        ("/hooks/46elks/inbound/fel-hemlighet", {"from": "+46701740605", "message": "STOPP"}),
        ("/hooks/twilio/status", {"MessageSid": "SM1", "MessageStatus": "delivered"}),
        ("/hooks/twilio/inbound", {"From": "+46701740605", "Body": "STOPP"}),
        ("/s/lamna", {}),  # last: it ends the visit
    ]
    for path, data in posts:
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, response.status_code)
        assert database_contents() == before, path
    exempt = {
        csrf_app.url_map.bind("enkat.example.se").match(path, method="POST")[0]
        for path, _data in posts
    }
    assert exempt == set(CSRF_EXEMPT), "every exempt route is swept here"
