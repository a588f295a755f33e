"""Build in gunicorn's master what every worker would otherwise build on its first requests.

The master loads the app once and forks the workers, which share its memory until they write
to it. Templates are compiled and catalogs read lazily, on first use: each worker would then
hold its own copy. Doing it before the fork leaves one copy, shared.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale, get_translations

from survey_app.i18n import FAMILY_LANGUAGES


def warm_up(app: Flask) -> None:
    """Compile every template and load every language's catalog (no request, no database)."""
    environment = app.jinja_env
    for name in environment.list_templates(extensions=["html", "txt"]):
        environment.get_template(name)
    with app.test_request_context():
        for language in FAMILY_LANGUAGES:
            with force_locale(language):
                get_translations()
