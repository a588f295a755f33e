"""Views of the family's path. Every POST saves what it can; nothing typed is lost silently.

A guardian with the page's script makes five requests: the link (the start page with the
first question), then one POST per page, each answered with the next page, the last with the
thank-you page (survey_app.respond.pages says why that is safe, and what happens without the
script). Four of them write: the first page starts the draft with its answers, two pages save,
the last submits.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from survey_app.domain.answering import SubmitOutcome, record_opened, save_page, start, submit
from survey_app.domain.links import invitation_for_token
from survey_app.extensions import csrf
from survey_app.i18n import FAMILY_LANGUAGES, SESSION_KEY, family_language
from survey_app.models import utcnow
from survey_app.questionnaires import (
    NO_ANSWER,
    Item,
    Questionnaire,
    all_questionnaires,
    page_form_class,
)
from survey_app.respond import blueprint
from survey_app.respond.forms import StartForm
from survey_app.respond.gate import COMPLETED_KEY, closed_or_answered_page, thanks_page
from survey_app.respond.page_cache import csrf_enabled, init_page_cache
from survey_app.respond.pages import (
    ViewResult,
    current_page,
    saved_question_page,
    starts_with_first_page,
    then_show,
)
from survey_app.respond.pages import (
    question_page as render_question_page,
)
from survey_app.respond.pages import (
    start_page as render_start_page,
)
from survey_app.respond.visit import DraftState, Visit, load_visit
from survey_app.web.access import public
from survey_app.web.csrf_token import signed_csrf_token
from survey_app.web.throttle import count_unknown_link, unknown_link_refused

INVITATION_KEY = "invitation"
FormT = TypeVar("FormT", bound=FlaskForm)

# Every POST here validates a FlaskForm, whose CSRF check lets a stale page be shown again
# with the person's answers instead of the global handler's generic error page.
csrf.exempt(blueprint)
blueprint.record_once(lambda state: init_page_cache(state.app))


@blueprint.before_request
def load_session_visit() -> ViewResult | None:
    """Put the session's visit in g, and apply a language picked from the menu."""
    invitation_id = session.get(INVITATION_KEY)
    g.visit = load_visit(invitation_id) if isinstance(invitation_id, int) else None
    if g.visit is not None and g.visit.withdrawn:
        # Staff withdrew the invitation (it went to a wrong number): whoever has the page
        # open is in the same place as with an unknown link.
        session.clear()
        g.visit = None
        return _link_not_valid()
    if g.visit is not None:
        g.invitation_language = family_language(g.visit.language)
    if "lang" in request.args:
        chosen = request.args["lang"]
        if chosen in FAMILY_LANGUAGES:
            session[SESSION_KEY] = chosen
        return redirect(request.path)  # drop the parameter, known or not
    return None


def _posted_form(form_class: type[FormT]) -> FormT:
    """The posted form, its CSRF token signed the cheap way first (the form finds it in g;
    survey_app.web.csrf_token)."""
    if csrf_enabled():
        signed_csrf_token()
    return form_class()


def _link_not_valid() -> tuple[str, int]:
    return render_template("respond/link_not_valid.html"), 404


def _no_session() -> tuple[str, int]:
    return render_template(
        "respond/message.html",
        title=_("Öppna länken i sms:et igen"),
        message=_(
            "Vi vet inte vilken enkät du vill svara på. Det kan bero på att sidan har varit "
            "öppen länge. Öppna länken i sms:et igen, så kommer du tillbaka. Svar som du redan "
            "har skickat med Nästa är sparade."
        ),
    ), 400


def _questionnaire(visit: Visit) -> Questionnaire:
    questionnaire = all_questionnaires().get(visit.questionnaire_key)
    if questionnaire is None:
        abort(500)
    return questionnaire


@blueprint.get("/<token>")
@public(reason="the family's personal link; the token is the credential")
def open_link(token: str) -> ViewResult:
    """The link opens its start page at once. Never uses the link up, and writes nothing.

    The page's script then replaces the address (and the history entry) with /s/, so the
    token does not stay in the address bar; without the script it stays there until the
    first Next.
    """
    invitation_id = invitation_for_token(token)
    visit = load_visit(invitation_id) if invitation_id is not None else None
    if visit is None or visit.withdrawn:
        # Only unknown links are throttled: a valid one opens whatever the address did before.
        if unknown_link_refused():
            abort(429)
        count_unknown_link()
        return _link_not_valid()
    session.clear()  # another person's link on a shared phone starts afresh
    session[INVITATION_KEY] = visit.id
    g.visit = visit
    g.invitation_language = family_language(visit.language)
    if closed_or_answered_page(visit) is not None:
        # Closed, not yet open or answered: no start page to carry the script that takes the
        # token out of the address bar, so a redirect does it (rare, one request more).
        return redirect(url_for(".start_page"))
    return render_start_page(visit, _questionnaire(visit))


def _start_or_blocked(visit: Visit) -> ViewResult:
    blocked = closed_or_answered_page(visit)
    if blocked is not None:
        return blocked
    return render_start_page(visit, _questionnaire(visit))


@blueprint.route("/", methods=["GET", "POST"])
@public(reason="family page; the session holds the invitation opened by its link")
def start_page() -> ViewResult:
    visit: Visit | None = g.visit
    if visit is None:
        return _no_session()
    if request.method == "GET" or closed_or_answered_page(visit) is not None:
        return _start_or_blocked(visit)
    if not _posted_form(StartForm).validate_on_submit():
        flash(_("Sidan hade varit öppen länge. Tryck på knappen en gång till."), "error")
        return _start_or_blocked(visit)
    questionnaire = _questionnaire(visit)
    draft = visit.draft
    if draft is None:
        # A fresh draft (also when a parallel Start made it first).
        start(visit.id, visit.role, visit.campaign_id)
        draft = DraftState(answers={}, reached_page=1)
    page = current_page(questionnaire, draft)
    return then_show(
        url_for(".question_page", page=page),
        lambda: saved_question_page(questionnaire, draft.answers, page),
    )


def _kept_answers(items: tuple[Item, ...], form: object) -> dict[str, str | None]:
    """The posted answers that are valid on their own (for Back: keep what can be kept)."""
    kept: dict[str, str | None] = {}
    for item in items:
        value = getattr(form, item.key).data
        if item.type == "choice":
            allowed = {str(option.value) for option in item.choice_scale.options} | {NO_ANSWER}
            if value in allowed:
                kept[item.key] = value
        elif isinstance(value, str) and len(value) <= (item.max_length or 0):
            kept[item.key] = value
    return kept


@blueprint.route("/q/<int:page>", methods=["GET", "POST"])
@public(reason="family page; the session holds the invitation opened by its link")
def question_page(page: int) -> ViewResult:
    visit: Visit | None = g.visit
    if visit is None:
        return _no_session()
    if request.method == "POST" and visit.answered:
        # A repeated submit (double tap, retry after a time-out): the same thank-you page.
        session[COMPLETED_KEY] = visit.id
        return then_show(url_for(".thanks"), lambda: thanks_page(visit))
    blocked = closed_or_answered_page(visit)
    if blocked is not None:
        return blocked
    questionnaire = _questionnaire(visit)
    draft = visit.draft
    if draft is None:
        if request.method == "POST" and page == 1 and starts_with_first_page(visit):
            # A guardian's first answers, posted from the start page: they begin the draft.
            draft = DraftState(answers={}, reached_page=1)
        else:
            return redirect(url_for(".start_page"))
    visible = questionnaire.visible_pages(draft.answers)
    if page not in visible or page > draft.reached_page:
        if request.method == "POST":
            flash(
                _("Den sidan kan du inte svara på just nu. Du fortsätter här i stället."), "error"
            )
        return redirect(url_for(".question_page", page=current_page(questionnaire, draft)))
    if request.method == "GET":
        return saved_question_page(questionnaire, draft.answers, page)
    return _answer_page(visit, questionnaire, draft, page)


def _answer_page(
    visit: Visit, questionnaire: Questionnaire, draft: DraftState, page: int
) -> ViewResult:
    """A page's answers posted: back, shown again with what to correct, saved, or submitted."""
    items = questionnaire.page_items(page, draft.answers)
    form = _posted_form(page_form_class(questionnaire, items))
    if request.form.get("action") == "back":
        return _go_back(visit, questionnaire, draft, page, _kept_answers(items, form))
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            form.csrf_token.errors = []
            flash(
                _(
                    "Sidan hade varit öppen länge, så svaren sparades inte än. Kontrollera dem "
                    "och tryck på knappen igen."
                ),
                "error",
            )
        return render_question_page(questionnaire, draft.answers, page, items, form)
    merged = {**draft.answers, **{item.key: getattr(form, item.key).data for item in items}}
    following = [p for p in questionnaire.visible_pages(merged) if p > page]
    if not following:
        return _submit(visit, questionnaire, merged)
    reached = max(draft.reached_page, following[0])
    began = visit.draft is None and start(
        visit.id, visit.role, visit.campaign_id, answers=merged, reached_page=reached
    )
    # (A parallel tap may have begun the draft a moment before: then these answers save.)
    if not began and not save_page(visit.id, merged, reached):
        session[COMPLETED_KEY] = visit.id  # the draft was submitted in parallel
        return redirect(url_for(".thanks"))
    return then_show(
        url_for(".question_page", page=following[0]),
        lambda: saved_question_page(questionnaire, merged, following[0]),
    )


def _go_back(
    visit: Visit,
    questionnaire: Questionnaire,
    draft: DraftState,
    page: int,
    kept: dict[str, str | None],
) -> ViewResult:
    """Back keeps what can be kept of the page (a half-filled page is not lost)."""
    if visit.draft is None:
        return redirect(url_for(".start_page"))  # the start page is the page before
    answers = {**draft.answers, **kept}
    if not save_page(visit.id, answers, draft.reached_page):
        return redirect(url_for(".start_page"))  # submitted in parallel: says so
    previous = [p for p in questionnaire.visible_pages(draft.answers) if p < page]
    if not previous:
        return redirect(url_for(".start_page"))
    return redirect(url_for(".question_page", page=previous[-1]))


def _submit(
    visit: Visit, questionnaire: Questionnaire, answers: dict[str, str | None]
) -> ViewResult:
    # The last page goes straight into the response: saving it to the draft first would be
    # one more commit (an fsync on SQLite) for a draft the submit deletes.
    outcome = submit(visit.id, questionnaire, answers, invitee=visit.invitee())
    if outcome is SubmitOutcome.WINDOW_CLOSED:
        return redirect(url_for(".start_page"))  # shows the "closed" page; nothing was stored
    session[COMPLETED_KEY] = visit.id
    answered = replace(visit, answered=True, draft=None)
    return then_show(url_for(".thanks"), lambda: thanks_page(answered))


@blueprint.post("/sedd")
@public(reason="family page; counts the session's own invitation as opened, once")
def seen() -> ViewResult:
    """The start page was shown in a browser (family.js tells, once): the funnel's "opened".

    Counted here rather than when the link is fetched: link previews and scanners fetch links
    too, and the link's GET then stays free of writes. Without the script a family counts as
    opened when it starts.
    """
    visit: Visit | None = g.visit
    if (
        visit is not None
        and _posted_form(StartForm).validate_on_submit()
        and not visit.has_ended(utcnow())
    ):
        record_opened(visit.id, visit.role, visit.campaign_id)
    return "", 204


@blueprint.get("/tack")
@public(reason="family page; the session holds the invitation opened by its link")
def thanks() -> ViewResult:
    visit: Visit | None = g.visit
    if visit is None or session.get(COMPLETED_KEY) != visit.id:
        return redirect(url_for(".start_page"))
    return thanks_page(visit)
