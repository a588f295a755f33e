"""The family's path: SMS link → start → question pages → thank you."""

from flask import Blueprint

blueprint = Blueprint("respond", __name__, url_prefix="/s")

# The view modules register their routes on the blueprint when imported.
from survey_app.respond import children, exit, formats, handover, opt_out, views  # noqa: E402,F401
