"""The county's areas as families read them: "Umeå med krans" is staff shorthand.

The reference data keeps the names staff use; the start page shows each area in words a
family understands, in its own language. An area added later shows its own name until it is
given one here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey_app.respond import blueprint

#: Area name in the reference data → what a family reads.
AREA_NAMES = {
    # TRANSLATORS: an area of Västerbotten county: the southern, inland part of Swedish Lapland.
    "Södra Lappland": _l("Södra Lappland"),
    # TRANSLATORS: an area of Västerbotten county: the town of Umeå and the five smaller
    # municipalities around it. Keep "Umeå" in Latin letters.
    "Umeå med krans": _l("Umeå och kommunerna runt omkring"),
    # TRANSLATORS: an area of Västerbotten county made of two municipalities. Keep the names
    # in Latin letters.
    "Skellefteå/Norsjö": _l("Skellefteå och Norsjö"),
}


@blueprint.app_template_filter("area_name")
def area_name(name: str) -> str:
    return str(AREA_NAMES.get(name, name))
