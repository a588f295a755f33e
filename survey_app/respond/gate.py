"""Whether an invitation may answer now, and the page to show when it may not."""

from __future__ import annotations

from flask import render_template, session, url_for
from flask_babel import gettext as _

from survey_app.domain.answering import LOCAL_TIME
from survey_app.domain.summaries import area_of_team, published_summary
from survey_app.models import Role, utcnow
from survey_app.respond.formats import family_date
from survey_app.respond.page_cache import stored_page
from survey_app.respond.summary import render_summary
from survey_app.respond.visit import Visit, handover_child_id

COMPLETED_KEY = "completed"


def closed_or_answered_page(visit: Visit) -> str | None:
    """A friendly page for a link outside its window or already answered; None if it may answer."""
    now = utcnow()
    if visit.has_ended(now):
        # Once the window's summary for the area is published, the old link opens it: the
        # same page as the area's public address (nothing on it is the family's own).
        summary = published_summary(visit.campaign_id, area_of_team(visit.team_id).id)
        if summary is not None:
            return render_summary(summary, child=visit.role == Role.CHILD)
        return render_template(
            "respond/message.html",
            title=_("Enkäten är stängd"),
            message=_(
                "Tiden för att svara är slut. Tack för att du ville hjälpa till att göra "
                "SIP-möten bättre."
            ),
        )
    if now < visit.opens_at:
        opens_on = family_date(visit.opens_at.astimezone(LOCAL_TIME).date())
        return render_template(
            "respond/message.html",
            title=_("Enkäten har inte öppnat än"),
            message=_(
                "Du kan svara från och med %(date)s. Spara sms:et och öppna länken då.",
                date=opens_on,
            ),
        )
    if visit.answered:
        if session.get(COMPLETED_KEY) == visit.id:
            return thanks_page(visit)
        return render_template(
            "respond/message.html",
            title=_("Du har redan svarat"),
            message=_("Dina svar är redan skickade. Tack för hjälpen!"),
        )
    return None


def thanks_page(visit: Visit) -> str:
    """The thank-you page; for a guardian whose child answers on the same phone, the hand-over."""
    child = handover_child_id(visit) is not None

    def render() -> str:
        return render_template(
            "respond/thanks.html", role=visit.role, child=child, page_url=url_for("respond.thanks")
        )

    return stored_page(("thanks", visit.role, child), render)
