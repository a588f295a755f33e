"""The family's path: SMS link → start → question pages → thank you."""

from flask import Blueprint

blueprint = Blueprint("respond", __name__, url_prefix="/s")

from . import views  # noqa: E402,F401  (registers the routes on the blueprint)
from . import children, handover  # noqa: E402,F401  (children's path, hand-over)
from . import opt_out  # noqa: E402,F401  ("Jag vill inte få fler sms")
