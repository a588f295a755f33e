"""The staff area: login, collection windows, accounts, teams, audit log (and more by feature).

Every view declares who may use it with `access.allow(...)`; a view without a rule is refused.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_babel import refresh
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.i18n import STAFF_LANGUAGES
from survey_app.staff.navigation import menu_for_current_user
from survey_app.staff.session import check_staff_session
from survey_app.web.access import rule_for

# cli_group=None puts the staff commands (`flask users ...`) at the top level.
blueprint = Blueprint("staff", __name__, url_prefix="/staff", cli_group=None)


@blueprint.before_request
def guard_staff_request() -> WerkzeugResponse | None:
    """Refuse staff views that forgot their rule (deny by default), then check the session."""
    endpoint = request.endpoint or ""
    if rule_for(current_app._get_current_object(), endpoint) is None:  # type: ignore[attr-defined]
        current_app.logger.error("staff view %s declares no access rule: refused", endpoint)
        raise Forbidden()
    # Staff pages speak Swedish or English: a visitor not yet logged in gets the browser's choice.
    # The locale is chosen afresh (Flask-Babel caches it in an app context that may outlive a
    # request, as in tests and scripts).
    refresh()
    g.staff_language = request.accept_languages.best_match(STAFF_LANGUAGES) or "sv"
    return check_staff_session()


@blueprint.context_processor
def staff_menu() -> dict[str, object]:
    return {"staff_menu": menu_for_current_user()}


# The view modules register their routes on the blueprint (one line per feature).
from survey_app.staff import login, home, errors  # noqa: E402,F401,I001
from survey_app.staff import display, campaigns, users, teams, places, audit_log  # noqa: E402, F401
from survey_app.staff import closing  # noqa: E402, F401  (close or extend a window)
from survey_app.staff import commands  # noqa: E402, F401  (flask users create|list|disable)
from survey_app.staff import results  # noqa: E402, F401
from survey_app.staff import meetings, outbox  # noqa: E402, F401  (SIP meetings, SMS status and outbox)
from survey_app.staff import invitation_actions  # noqa: E402, F401  (correct, resend, withdraw)
from survey_app.staff import summaries  # noqa: E402, F401  (what came of it, for families)
from survey_app.staff import translations  # noqa: E402, F401  (translation status for admins)
from survey_app.staff import second_factor, reset, sso  # noqa: E402, F401  (sign-in steps)
