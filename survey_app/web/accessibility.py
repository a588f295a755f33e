"""The accessibility statement (tillgänglighetsredogörelse) that Swedish law 2018:1937 requires."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from survey_app.web.access import public

blueprint = Blueprint("accessibility", __name__)

#: Where to complain when a report about accessibility gets no good answer (DIGG supervises).
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"


@blueprint.get("/tillganglighet")
@public(reason="the accessibility statement must be open to everyone, with or without a link")
def statement() -> str:
    return render_template(
        "respond/accessibility.html",
        contact=current_app.config["ACCESSIBILITY_CONTACT"],
        digg_url=DIGG_REPORT_URL,
    )
