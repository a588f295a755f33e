"""Quick exit ("Lämna sidan snabbt"): forget the visit, then leave for a neutral site.

The button on every family page leads here. The session is cleared (the browser is told to
drop its cookie), so the questionnaire's pages, opened again with Back, only say "open the
link in the SMS again". family.js also replaces the page in the history; without JavaScript
the entry stays (README: what quick exit cannot do).

The route hangs on the app, not on the blueprint: the family pages' before-request reads the
visit from the database, and leaving must work even when the database does not answer.
"""

from __future__ import annotations

from flask import current_app, redirect, session
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.extensions import csrf
from survey_app.respond import blueprint
from survey_app.web.access import public

EXIT_PATH = "/s/lamna"
ENDPOINT = "quick_exit"


@csrf.exempt  # leaving must work with any page, however old its form token
@public(reason="forgets only the caller's own session, then leaves the site")
def quick_exit() -> WerkzeugResponse:
    session.clear()
    # 303: a POST (or a GET) continues as a plain GET of the neutral site.
    return redirect(current_app.config["QUICK_EXIT_URL"], code=303)


blueprint.record_once(
    lambda state: state.app.add_url_rule(EXIT_PATH, ENDPOINT, quick_exit, methods=["GET", "POST"])
)
