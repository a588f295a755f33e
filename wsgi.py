"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app`."""

from survey_app import create_app

app = create_app()
