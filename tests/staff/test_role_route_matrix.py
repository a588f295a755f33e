"""The access policy as a literal table: every route of the app × every role, and what it gets.

test_route_access.py checks the routes against their declared rules, so a wrong rule passes
there (opening /staff/users to every role in its @allow passed it). This table is written by
hand from the policy, not read from the declarations: changing who may use a route fails here
until the table is changed too, in a review where the change of policy can be seen.

Columns: anonymous visitor, coordinator (of HLT Åsele, which owns the meeting and its
invitation), admin, analyst. An outcome is a status code, or LOGIN: a redirect to the staff
login page. Placeholders in paths name real objects (route_world.py): a role that may use a
route gets a real page, so 403 (refused by role) and 404 (nothing there) cannot be confused.

Requests are made in the table's order, GETs first, then POSTs with an empty form, each POST
from a new sign-in (a POST may sign its user out or change what later rows see).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from survey_app.models import StaffRole

from .route_world import RouteWorld

#: The access guard's redirect to the staff login page, with the page to return to.
LOGIN = "login"
Outcome = int | str
#: (endpoint, method, path, anonymous, coordinator, admin, analyst)
Row = tuple[str, str, str, Outcome, Outcome, Outcome, Outcome]
COLUMNS: tuple[StaffRole | None, ...] = (
    None,
    StaffRole.COORDINATOR,
    StaffRole.ADMIN,
    StaffRole.ANALYST,
)

# fmt: off
MATRIX: list[Row] = [
    # endpoint                         method  path                                   anon   coord  admin  analyst
    # -- open to everyone: family pages, webhooks (their own secrets), static files. Without a
    #    link opened in the session a family page says how to get back in (400) or sends there.
    ("front.front_door",                "GET",  "/",                                    302,   302,   302,   302),
    ("accessibility.statement",         "GET",  "/tillganglighet",                      200,   200,   200,   200),
    ("static",                          "GET",  "/static/css/staff.css",                200,   200,   200,   200),
    ("respond.open_link",               "GET",  "/s/inte-en-riktig-lank-alls",          404,   404,   404,   404),
    ("respond.start_page",              "GET",  "/s/",                                  400,   400,   400,   400),
    ("respond.start_page",              "POST", "/s/",                                  400,   400,   400,   400),
    ("respond.question_page",           "GET",  "/s/q/1",                               400,   400,   400,   400),
    ("respond.question_page",           "POST", "/s/q/1",                               400,   400,   400,   400),
    ("respond.thanks",                  "GET",  "/s/tack",                              302,   302,   302,   302),
    ("respond.goodbye",                 "GET",  "/s/hej-da",                            200,   200,   200,   200),
    ("respond.seen",                    "POST", "/s/sedd",                              204,   204,   204,   204),
    ("respond.hand_over",               "POST", "/s/barnets-tur",                       302,   302,   302,   302),
    ("respond.stop_messages",           "POST", "/s/inga-fler-sms",                     302,   302,   302,   302),
    ("respond.privacy_notice",          "GET",  "/s/integritet",                        200,   200,   200,   200),
    ("respond.privacy_notice_for_children", "GET", "/s/integritet/barn",                200,   200,   200,   200),
    ("respond.area_summary",            "GET",  "/s/resultat/{area}",                   404,   404,   404,   404),
    ("respond.area_summary_for_children", "GET", "/s/resultat/{area}/barn",             404,   404,   404,   404),
    ("quick_exit",                      "GET",  "/s/lamna",                             303,   303,   303,   303),
    ("quick_exit",                      "POST", "/s/lamna",                             303,   303,   303,   303),
    ("hooks.elks_delivery_report",      "POST", "/hooks/46elks/fel-hemlighet",          200,   200,   200,   200),
    ("hooks.elks_inbound",              "POST", "/hooks/46elks/inbound/fel-hemlighet",  403,   403,   403,   403),
    ("hooks.twilio_status",             "POST", "/hooks/twilio/status",                 403,   403,   403,   403),
    ("hooks.twilio_inbound",            "POST", "/hooks/twilio/inbound",                403,   403,   403,   403),
    # -- signing in: open, but only a sign-in under way or a reset link gets anywhere
    ("staff.login",                     "GET",  "/staff/login",                         200,   302,   302,   302),
    ("staff.login",                     "POST", "/staff/login",                         200,   200,   200,   200),
    ("staff.second_factor_code",        "GET",  "/staff/login/code",                    302,   302,   302,   302),
    ("staff.second_factor_code",        "POST", "/staff/login/code",                    302,   302,   302,   302),
    ("staff.sso_start",                 "GET",  "/staff/login/sso",                     404,   404,   404,   404),
    ("staff.sso_callback",              "GET",  "/staff/login/sso/callback",            404,   404,   404,   404),
    ("staff.open_reset_link",           "GET",  "/staff/reset/aaaaaaaaaaaaaaaaaaaaaa",  404,   404,   404,   404),
    ("staff.reset_password",            "GET",  "/staff/reset",                         404,   404,   404,   404),
    ("staff.reset_password",            "POST", "/staff/reset",                         404,   404,   404,   404),
    # -- every staff member: own account, the start page, results
    ("staff.home",                      "GET",  "/staff/",                              LOGIN, 200,   200,   200),
    ("staff.logout",                    "POST", "/staff/logout",                        LOGIN, 302,   302,   302),
    ("staff.change_password",           "GET",  "/staff/password",                      LOGIN, 200,   200,   200),
    ("staff.change_password",           "POST", "/staff/password",                      LOGIN, 200,   200,   200),
    ("staff.second_factor",             "GET",  "/staff/account/second-factor",         LOGIN, 200,   200,   200),
    ("staff.second_factor",             "POST", "/staff/account/second-factor",         LOGIN, 200,   200,   200),
    ("staff.renew_recovery_codes",      "POST", "/staff/account/second-factor/recovery-codes", LOGIN, 302, 200, 200),
    ("staff.remove_second_factor",      "POST", "/staff/account/second-factor/remove",  LOGIN, 302,   302,   302),
    ("staff.results",                   "GET",  "/staff/results",                       LOGIN, 200,   200,   200),
    ("staff.campaign_results",          "GET",  "/staff/results/{closed}",              LOGIN, 200,   200,   200),
    # -- report files: admins and analysts; free text to analysts only
    ("staff.download",                  "GET",  "/staff/results/{closed}/download/report.html", LOGIN, 403, 200, 200),
    ("staff.download",                  "GET",  "/staff/results/{closed}/download/free_text.csv", LOGIN, 403, 403, 200),
    ("staff.chart",                     "GET",  "/staff/results/{closed}/charts/funnel.svg", LOGIN, 403, 200, 200),
    # -- meetings and invitations: coordinators (their own teams') and admins
    ("staff.meetings",                  "GET",  "/staff/meetings",                      LOGIN, 200,   200,   403),
    ("staff.meetings_csv",              "GET",  "/staff/meetings.csv",                  LOGIN, 200,   200,   403),
    ("staff.meeting",                   "GET",  "/staff/meetings/{meeting}",            LOGIN, 200,   200,   403),
    ("staff.new_meeting",               "GET",  "/staff/meetings/new",                  LOGIN, 200,   200,   403),
    ("staff.new_meeting",               "POST", "/staff/meetings/new",                  LOGIN, 200,   200,   403),
    ("staff.correct",                   "GET",  "/staff/invitations/{invitation}/correct", LOGIN, 200, 200,  403),
    ("staff.correct",                   "POST", "/staff/invitations/{invitation}/correct", LOGIN, 200, 200,  403),
    ("staff.resend",                    "GET",  "/staff/invitations/{invitation}/resend", LOGIN, 200,  200,   403),
    ("staff.resend",                    "POST", "/staff/invitations/{invitation}/resend", LOGIN, 302,  302,   403),
    ("staff.letter",                    "GET",  "/staff/invitations/{invitation}/letter", LOGIN, 200,  200,   403),
    ("staff.letter",                    "POST", "/staff/invitations/{invitation}/letter", LOGIN, 200,  200,   403),
    ("staff.withdraw",                  "GET",  "/staff/invitations/{invitation}/withdraw", LOGIN, 200, 200,  403),
    ("staff.withdraw",                  "POST", "/staff/invitations/{invitation}/withdraw", LOGIN, 302, 302,  403),
    ("staff.summary_qr",                "GET",  "/staff/summaries/{area}/qr.svg",       LOGIN, 200,   200,   403),
    # -- administration: admins only
    ("staff.campaigns",                 "GET",  "/staff/campaigns",                     LOGIN, 403,   200,   403),
    ("staff.new_campaign",              "GET",  "/staff/campaigns/new",                 LOGIN, 403,   200,   403),
    ("staff.new_campaign",              "POST", "/staff/campaigns/new",                 LOGIN, 403,   200,   403),
    ("staff.edit_campaign",             "GET",  "/staff/campaigns/{draft}",             LOGIN, 403,   200,   403),
    ("staff.edit_campaign",             "POST", "/staff/campaigns/{draft}",             LOGIN, 403,   200,   403),
    ("staff.extend_window",             "GET",  "/staff/campaigns/{draft}/extend",      LOGIN, 403,   200,   403),
    ("staff.extend_window",             "POST", "/staff/campaigns/{draft}/extend",      LOGIN, 403,   200,   403),
    # a window is ready for summaries once its report is made: not yet here (302 back to the
    # list); closing it again (after) makes the report
    ("staff.summaries",                 "GET",  "/staff/campaigns/{closed}/summaries",  LOGIN, 403,   200,   403),
    ("staff.publish_summary",           "GET",  "/staff/campaigns/{closed}/summaries/{area}", LOGIN, 403, 302, 403),
    ("staff.publish_summary",           "POST", "/staff/campaigns/{closed}/summaries/{area}", LOGIN, 403, 302, 403),
    ("staff.close_window",              "GET",  "/staff/campaigns/{draft}/close",       LOGIN, 403,   200,   403),
    ("staff.close_window",              "POST", "/staff/campaigns/{closed}/close",      LOGIN, 403,   302,   403),
    ("staff.users",                     "GET",  "/staff/users",                         LOGIN, 403,   200,   403),
    ("staff.new_user",                  "GET",  "/staff/users/new",                     LOGIN, 403,   200,   403),
    ("staff.new_user",                  "POST", "/staff/users/new",                     LOGIN, 403,   200,   403),
    ("staff.edit_user",                 "GET",  "/staff/users/{user}",                  LOGIN, 403,   200,   403),
    ("staff.edit_user",                 "POST", "/staff/users/{user}",                  LOGIN, 403,   200,   403),
    ("staff.issue_reset_link",          "POST", "/staff/users/{user}/reset-link",       LOGIN, 403,   200,   403),
    ("staff.reset_second_factor",       "POST", "/staff/users/{user}/second-factor/reset", LOGIN, 403, 302,  403),
    ("staff.disable_user",              "POST", "/staff/users/{user}/disable",          LOGIN, 403,   302,   403),
    ("staff.teams",                     "GET",  "/staff/teams",                         LOGIN, 403,   200,   403),
    ("staff.teams",                     "POST", "/staff/teams",                         LOGIN, 403,   200,   403),
    ("staff.toggle_team",               "POST", "/staff/teams/{team}/active",           LOGIN, 403,   302,   403),
    ("staff.places",                    "GET",  "/staff/places",                        LOGIN, 403,   200,   403),
    ("staff.places",                    "POST", "/staff/places",                        LOGIN, 403,   200,   403),
    ("staff.outbox",                    "GET",  "/staff/outbox",                        LOGIN, 403,   200,   403),
    ("staff.audit_log",                 "GET",  "/staff/audit",                         LOGIN, 403,   200,   403),
    ("staff.translations",              "GET",  "/staff/translations",                  LOGIN, 403,   200,   403),
]
# fmt: on


def _outcome(response: Any) -> Outcome:
    """LOGIN for the access guard's redirect (to the login page, and back here afterwards)."""
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/staff/login?next=" in location:
        return LOGIN
    return int(response.status_code)


def _role_name(role: StaffRole | None) -> str:
    return role.value if role is not None else "anonymous"


def test_the_table_has_a_row_for_every_route_and_method(app: Flask) -> None:
    """A new route (or a new method on one) fails here until the table says who may use it."""
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    in_table = {(endpoint, method) for endpoint, method, *_ in MATRIX}
    assert sorted(routes - in_table) == [], "routes the table does not cover"
    assert sorted(in_table - routes) == [], "rows for routes that no longer exist"


def test_each_row_names_the_route_its_path_reaches(route_world: RouteWorld) -> None:
    adapter = route_world.app.url_map.bind("enkat.example.se")
    wrong = []
    for endpoint, method, path, *_ in MATRIX:
        try:
            reached, _arguments = adapter.match(route_world.path(path), method=method)
        except HTTPException as error:
            reached = repr(error)
        if reached != endpoint:
            wrong.append(f"{method} {path}: {reached}, not {endpoint}")
    assert wrong == []


def test_every_role_gets_what_the_table_says_on_every_route(route_world: RouteWorld) -> None:
    rows = [row for row in MATRIX if row[1] == "GET"] + [row for row in MATRIX if row[1] != "GET"]
    problems = []
    for endpoint, method, path, *expected in rows:
        url = route_world.path(path)
        for role, wanted in zip(COLUMNS, expected, strict=True):
            # A POST may end its session (logging out, a new password): the next signs in again.
            client = route_world.client(role, afresh=method == "POST")
            with client.open(url, method=method, data={}) as response:
                got = _outcome(response)
            if got != wanted:
                who = _role_name(role)
                problems.append(f"{who:<11} {method:<4} {url} ({endpoint}): {got}, not {wanted}")
    assert not problems, "\n" + "\n".join(problems)
