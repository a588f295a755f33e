"""The privacy notice for families, and one in a child's words (6–11).

Who is responsible, why the phone number is held and when it goes, how the answers stay
anonymous, the rights a family has and whom to ask. The sentences state how the service
stores answers (sealed while the window is open, only in groups afterwards): when that
changes, they must change with it.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l

from survey_app.respond import blueprint
from survey_app.respond.formats import family_number
from survey_app.web.access import public

#: Where families can complain about how personal data is handled (the supervisory authority).
IMY_URL = "https://www.imy.se/"

#: The children's notice, sentence by sentence (checked for readability like the start page).
CHILD_PRIVACY = (
    _l("Det är Region Västerbotten som tar hand om svaren."),
    _l("Du bestämmer själv om du vill svara."),
    _l("Dina svar sparas utan ditt namn."),
    _l("Ingen får veta vad du svarade. Inte de vuxna hemma och inte de vuxna på mötet."),
    _l("Vi räknar ihop svar från många barn. Då ser vi hur möten kan bli bättre."),
    _l("Vi skickade länken till ett telefonnummer. Numret tar vi bort när enkäten är slut."),
    _l("Dina svar kan inte tas bort efteråt. Ingen vet vilka svar som är dina."),
    _l("Har du frågor? Fråga en vuxen som du litar på. Den vuxna kan skriva till oss."),
)


def _contacts() -> dict[str, Any]:
    config = current_app.config
    return {
        "contact": config["ACCESSIBILITY_CONTACT"],
        "privacy_contact": config.get("PRIVACY_CONTACT") or None,
        "min_group_size": family_number(int(config["MIN_GROUP_SIZE"])),
        "imy_url": IMY_URL,
    }


@blueprint.get("/integritet")
@public(reason="the privacy notice must be open to everyone, with or without a link")
def privacy_notice() -> str:
    return render_template("respond/privacy.html", **_contacts())


@blueprint.get("/integritet/barn")
@public(reason="the privacy notice in a child's words, open to everyone")
def privacy_notice_for_children() -> str:
    return render_template("respond/privacy_child.html", sentences=CHILD_PRIVACY, **_contacts())
