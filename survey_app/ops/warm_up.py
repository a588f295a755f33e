"""Build in gunicorn's master what every worker would otherwise build on its first requests.

The master loads the app once and forks the workers, which share its memory until they write
to it. Templates are compiled, catalogs read, the database dialect set up and the family
path's statements compiled lazily, on first use: each worker would then hold its own copy.
Doing it before the fork leaves one copy, shared (benchmarks/worker_memory.py measures it).
"""

from __future__ import annotations

import logging

from flask import Flask
from flask_babel import force_locale, get_translations
from sqlalchemy.exc import SQLAlchemyError

from survey_app.domain.links import invitation_for_token
from survey_app.extensions import db
from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.respond.visit import load_visit

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
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
