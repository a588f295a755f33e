"""The family's path: SMS link → start → question pages → thank you."""

from flask import Blueprint

blueprint = Blueprint("respond", __name__, url_prefix="/s")

# The view modules register their routes on the blueprint when imported.
from survey_app.respond import (  # noqa: E402,F401
    children,
    exit,
    formats,
    handover,
    opt_out,
    places,
    privacy,
    summary,
    views,
)
