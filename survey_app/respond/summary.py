"""'Det här blev det': what came of a window, for the families of an area.

Two ways in, the same page: the family's own link once its window is closed and the area's
summary published (survey_app.respond.gate), and the area's public address on posters and QR
codes at the HLT offices. Nothing on the page depends on who opens it: the window, the area,
the children's version or not, and the language. Children 6–11 get their own version, in
their questionnaire's words, with faces.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from survey_app.domain.summaries import Figure, Summary, latest_summary
from survey_app.models import Role
from survey_app.questionnaires import all_questionnaires
from survey_app.questionnaires.texts import item_text, option_label
from survey_app.respond import blueprint
from survey_app.respond.faces import face_svg
from survey_app.web.access import public

#: Whose answers a group of figures shows, as a heading.
ROLE_HEADINGS = {
    Role.CHILD: _l("Barnen"),
    Role.YOUTH: _l("Ungdomarna"),
    Role.GUARDIAN: _l("Vårdnadshavarna"),
}
#: An empty place among the ten (aria-hidden, like the faces).
_PLACE = Markup(
    '<svg class="face" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true"'
    ' focusable="false"><circle cx="20" cy="20" r="17" fill="#fff" stroke="#767676"'
    ' stroke-width="2"/></svg>'
)


def question_text(figure: Figure) -> str:
    """The figure's question as the respondents read it, in the page's language."""
    questionnaire = all_questionnaires()[figure.questionnaire_key]
    item = questionnaire.item(figure.item_key)
    return str(item_text(questionnaire, item))


def yes_label(figure: Figure) -> str:
    """The child scale's own "Ja", in the page's language."""
    questionnaire = all_questionnaires()[figure.questionnaire_key]
    scale = questionnaire.item(figure.item_key).choice_scale
    top = max(scale.options, key=lambda option: option.value)
    return str(option_label(scale, top))


def ten_faces(figure: Figure) -> Markup:
    """Ten small faces, as many happy as said yes out of ten; decorative (the text says it)."""
    happy = face_svg("happy")
    return Markup("").join([happy] * figure.out_of_ten + [_PLACE] * (10 - figure.out_of_ten))


def render_summary(summary: Summary, *, child: bool) -> str:
    return render_template(
        "respond/summary_child.html" if child else "respond/summary.html",
        summary=summary,
        child=child,
        roles=[role for role in ROLE_HEADINGS if summary.figures_of(role)],
        role_headings=ROLE_HEADINGS,
        question_text=question_text,
        yes_label=yes_label,
        ten_faces=ten_faces,
    )


def _nothing_yet() -> tuple[str, int]:
    return render_template(
        "respond/message.html",
        title=_("Det finns inget att visa än"),
        message=_("Här kommer det att stå vad som blev av svaren. Titta igen senare."),
    ), 404


@blueprint.get("/resultat/<int:area_id>")
@public(reason="the area's published summary for families: the same for everyone, no data")
def area_summary(area_id: int) -> str | tuple[str, int]:
    summary = latest_summary(area_id)
    if summary is None:
        return _nothing_yet()
    return render_summary(summary, child=False)


@blueprint.get("/resultat/<int:area_id>/barn")
@public(reason="the area's published summary for children: the same for everyone, no data")
def area_summary_for_children(area_id: int) -> str | tuple[str, int]:
    summary = latest_summary(area_id)
    if summary is None:
        return _nothing_yet()
    return render_summary(summary, child=True)
