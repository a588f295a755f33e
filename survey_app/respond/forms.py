"""Fixed forms of the family's path (question pages are built from the questionnaire)."""

from __future__ import annotations

from flask_wtf import FlaskForm


class StartForm(FlaskForm):
    """The start page's buttons; carries only the CSRF token."""
