"""Build in gunicorn's master what every worker would otherwise build on its first requests.

The master loads the app once and forks the workers, which share its memory until they write
to it. Templates are compiled, catalogs read, the database dialect set up and the family
path's statements compiled lazily, on first use: each worker would then hold its own copy.
Doing it before the fork leaves one copy, shared (benchmarks/worker_memory.py measures it).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, g, session
from flask_babel import force_locale, get_translations
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from survey_app.domain.links import invitation_for_token
from survey_app.extensions import db
from survey_app.i18n import DEFAULT_LANGUAGE, FAMILY_LANGUAGES
from survey_app.models import (
    AgeBand,
    Area,
    CampaignState,
    ChildAttended,
    Municipality,
    Role,
    Team,
    utcnow,
)
from survey_app.questionnaires import QUESTIONNAIRE_FOR_ROLE, all_questionnaires
from survey_app.respond.page_cache import forget_stored_pages
from survey_app.respond.pages import start_page
from survey_app.respond.views import INVITATION_KEY
from survey_app.respond.visit import Visit, load_visit

logger = logging.getLogger(__name__)

#: A token of the right shape that no link has (22 characters of the URL-safe alphabet).
_UNKNOWN_LINK = "warm-up-no-such-link00"


def warm_up(app: Flask) -> None:
    """Compile every template, load every language's catalog, run the family path's look-ups
    once (finding nothing) and serve two pages that need no one signed in. Writes nothing.
    Closes every database connection it opened, so no worker inherits one."""
    environment = app.jinja_env
    for name in environment.list_templates(extensions=["html", "txt"]):
        environment.get_template(name)
    with app.test_request_context("/s/"):
        for language in FAMILY_LANGUAGES:
            with force_locale(language):
                get_translations()
        try:
            invitation_for_token(_UNKNOWN_LINK)
            load_visit(0)
        except SQLAlchemyError as error:
            # The workers connect for themselves; a database that is not up yet is their
            # business (and the health check's), not a reason to stop the master.
            logger.warning("warm-up skipped the database: %s", error)
        finally:
            db.session.remove()
    # A family page and the staff sign-in page, through the whole request machinery (neither
    # writes: without a visit the family page only says to open the link again).
    client = app.test_client()
    for path in ("/s/", "/staff/login"):
        client.get(path, headers={"Accept-Encoding": "gzip, br"})
    try:
        _start_pages(app)
    except SQLAlchemyError as error:
        logger.warning("warm-up skipped the start pages: %s", error)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _start_pages(app: Flask) -> None:
    """What a link's GET runs after its look-ups: each role's start page (a guardian's with
    the first question) rendered for a visit that does not exist, in a team's place, then the
    response hooks (session cookie, compression, headers). Nothing is written or kept: the
    page store is emptied afterwards, the response goes nowhere.

    A worker's first link otherwise runs all of this for the first time in the worker, and
    CPython 3.11 then rewrites every function it runs (its adaptive bytecode) and the objects
    it touches in pages shared with the master: about 5 MB more of each worker's own memory.
    """
    with app.app_context():
        place = db.session.execute(
            select(Team.id, Municipality.name, Area.name)
            .join(Municipality, Municipality.id == Team.municipality_id)
            .join(Area, Area.id == Municipality.area_id)
            .order_by(Team.id)
            .limit(1)
        ).first()
        db.session.remove()
    if place is None:
        return  # an empty database: nothing to show a place for
    team_id, municipality, area = place
    now = utcnow()
    for role, questionnaire_key in QUESTIONNAIRE_FOR_ROLE.items():
        with app.test_request_context(
            f"/s/{_UNKNOWN_LINK}", headers={"Accept-Encoding": "gzip, deflate, br"}
        ):
            visit = Visit(
                id=0,
                role=Role(role),
                questionnaire_key=questionnaire_key,
                language=DEFAULT_LANGUAGE,
                answered=False,
                withdrawn=False,
                meeting_id=0,
                team_id=team_id,
                age_band=AgeBand.YOUTH if role == Role.YOUTH else AgeBand.CHILD,
                child_attended=ChildAttended.YES,
                services=None,
                municipality=municipality,
                area=area,
                hands_over=False,
                campaign_id=0,
                campaign_state=CampaignState.OPEN,
                opens_at=now,
                closes_at=now + timedelta(days=1),
                draft=None,
            )
            session[INVITATION_KEY] = visit.id
            g.visit = visit
            g.invitation_language = DEFAULT_LANGUAGE
            page = start_page(visit, all_questionnaires()[questionnaire_key])
            app.process_response(app.make_response(page))
            db.session.remove()
    forget_stored_pages(app)
