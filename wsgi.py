"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app`."""

from survey_app import create_app
from survey_app.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # One line that says what to fix, for `flask` commands and gunicorn (which preloads the
    # app, see deploy/gunicorn.conf.py), instead of a traceback.
    raise SystemExit(f"sip-uppfoljning cannot start: {error}") from None
