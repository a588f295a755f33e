"""The family's pages as rendered, and what a POST answers with.

A family on a slow connection pays for every round trip. So a page's POST answers with the
next page itself when the page's script is running (family.js marks the form and, on the page
that comes back, puts that page's own address in the history: refresh and Back then ask for
it with a GET and never post again). Without the script a POST answers with a redirect to the
next page (POST/redirect/GET), the only way Back and refresh stay safe there. A guardian's
start page carries the first question, so opening the link shows it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.models import Role
from survey_app.questionnaires import Item, Questionnaire, page_form_class
from survey_app.respond.forms import StartForm
from survey_app.respond.page_cache import forget_posted_form, stored_page
from survey_app.respond.visit import DraftState, Visit

#: The field family.js adds to every form it runs on ("1"): the answer may be the next page.
SCRIPT_FIELD = "js"

ViewResult = str | WerkzeugResponse | tuple[str, int]


def by_script() -> bool:
    """The posted form came through family.js, which will put the shown page's address in the
    history: the next page can be the answer to the POST."""
    return request.form.get(SCRIPT_FIELD) == "1"


def then_show(url: str, render: Callable[[], ViewResult]) -> ViewResult:
    """After a POST: the page at `url` itself (with the script), or a redirect to it."""
    if not by_script():
        return redirect(url)
    forget_posted_form()
    return render()


def starts_with_first_page(visit: Visit) -> bool:
    """A guardian's start page carries the first question (until answering has begun)."""
    return visit.role is Role.GUARDIAN and visit.draft is None


def current_page(questionnaire: Questionnaire, draft: DraftState) -> int:
    visible = questionnaire.visible_pages(draft.answers)
    reached = [page for page in visible if page <= draft.reached_page]
    return max(reached) if reached else visible[0]


def start_page(visit: Visit, questionnaire: Questionnaire) -> str:
    """The start page: who asks and why; with a guardian's first question until begun."""
    municipality, area = visit.municipality, visit.area
    resuming = visit.draft is not None
    first = starts_with_first_page(visit)
    items = questionnaire.page_items(1, {}) if first else ()

    def render() -> str:
        form_class = page_form_class(questionnaire, items) if first else None
        return render_template(
            # Children and young people get their own easy-to-read start page when one exists.
            [f"respond/start_{visit.role}.html", "respond/start.html"],
            form=StartForm(),
            first_page=form_class(data={}) if form_class else None,
            items=items,
            questionnaire=questionnaire,
            municipality=municipality,
            area=area,
            resuming=resuming,
            page_url=url_for("respond.start_page"),
        )

    return stored_page(
        ("start", visit.role, questionnaire.key, municipality, area, resuming, first), render
    )


def question_page(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    page: int,
    items: tuple[Item, ...],
    form: object,
) -> str:
    visible = questionnaire.visible_pages(answers)
    return render_template(
        "respond/question.html",
        questionnaire=questionnaire,
        items=items,
        form=form,
        page=page,
        position=visible.index(page) + 1 if page in visible else 1,
        total=len(visible),
        is_last=page == visible[-1],
        page_url=url_for("respond.question_page", page=page),
    )


def saved_question_page(questionnaire: Questionnaire, answers: Mapping[str, Any], page: int) -> str:
    """A question page showing the answers saved for it, from the page store when it may be."""
    items = questionnaire.page_items(page, answers)
    form_class = page_form_class(questionnaire, items)
    saved = {item.key: answers.get(item.key) for item in items}
    # A page showing a typed answer is never stored: free text may say who wrote it, and the
    # store would keep it after the draft is gone. Chosen options are a few codes.
    typed = any(item.type != "choice" and saved[item.key] for item in items)

    def render() -> str:
        return question_page(questionnaire, answers, page, items, form_class(data=saved))

    # Everything else the page shows: questionnaire, which items, the answers on them, and the
    # visible pages (position, total, last or not).
    key = (
        questionnaire.key,
        questionnaire.version,
        page,
        tuple(saved.items()),
        tuple(questionnaire.visible_pages(answers)),
    )
    return stored_page(None if typed else key, render)
