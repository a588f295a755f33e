"""Translation status (admin): which languages are drafts, which are reviewed, how complete."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from survey_app.i18n.status import translation_status
from survey_app.models import StaffRole
from survey_app.staff import blueprint
from survey_app.staff.access import allow
from survey_app.staff.navigation import add_menu_entry

add_menu_entry(
    "staff.translations",
    _l("Översättningar"),
    _l("Vem som har översatt familjernas texter, och om en auktoriserad översättare har granskat."),
    90,
)


@blueprint.get("/translations")
@allow(StaffRole.ADMIN)
def translations() -> str:
    return render_template("staff/translations.html", statuses=translation_status())
