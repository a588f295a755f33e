"""What the children's and young people's path adds: easy-to-read intros, faces, a way out."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from survey_app.respond import blueprint
from survey_app.respond.faces import option_faces
from survey_app.web.access import public

#: The child start page, sentence by sentence. Kept here (not in the template) so the
#: readability test can check every sentence a 6–11-year-old reads before the first question.
CHILD_INTRO = (
    _l("Hej! Vi vill veta hur mötet var för dig."),
    _l("Det är Region Västerbotten som frågar. Vi vill göra möten bättre för barn."),
)
CHILD_PROMISES = (
    _l("Du bestämmer själv om du vill svara."),
    _l("Ingen får veta vad du svarar. Inte de vuxna hemma och inte de vuxna på mötet."),
    _l("Det finns inga rätta eller fel svar."),
    _l("Du kan alltid svara Vet inte."),
)

#: The young people's start page: plain, brief, respectful.
YOUTH_PROMISES = (
    _l("Det är frivilligt att svara. Det tar ungefär 3 minuter."),
    _l(
        "Du är anonym. Varken teamet eller dina föräldrar kan se vad du har svarat, "
        "och du behöver inte visa någon."
    ),
    _l("Du kan alltid välja Vet inte."),
)

#: The child's thank-you page: the child's own words, not the guardians' ("…för barn och familjer").
CHILD_THANKS = (
    _l("Dina svar är skickade."),
    _l("De hjälper oss att göra möten bättre för barn."),
    _l("Ingen får veta vad du svarade. Inte de vuxna hemma och inte de vuxna på mötet."),
    _l("Nu kan du stänga sidan."),
)
#: The young people's thank-you page.
YOUTH_THANKS = (
    _l("Dina svar är skickade. De hjälper till att göra SIP-möten bättre för unga."),
    _l("Varken teamet eller dina föräldrar kan se vad du har svarat."),
    _l("Nu kan du stänga sidan."),
)

blueprint.add_app_template_global(option_faces, "option_faces")


# App-wide: the paper invitation letter (templates/letters/) says the same sentences.
@blueprint.app_context_processor
def intro_texts() -> dict[str, object]:
    return {
        "child_intro": CHILD_INTRO,
        "child_promises": CHILD_PROMISES,
        "youth_promises": YOUTH_PROMISES,
        "child_thanks": CHILD_THANKS,
        "youth_thanks": YOUTH_THANKS,
    }


@blueprint.get("/hej-da")
@public(reason="family path: a goodbye page that shows nothing personal and records nothing")
def goodbye() -> str:
    """ "Vill inte svara": a kind goodbye. Deliberately records nothing, not even a start."""
    return render_template("respond/goodbye.html")
