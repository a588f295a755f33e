"""Views of the family's path. Every POST saves what it can; nothing typed is lost silently."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.domain.answering import (
    SubmitOutcome,
    record_opened,
    save_page,
    start,
    submit,
)
from survey_app.domain.links import invitation_for_token
from survey_app.extensions import csrf, db
from survey_app.i18n import FAMILY_LANGUAGES, SESSION_KEY, family_language
from survey_app.models import Area, Municipality, Team, utcnow
from survey_app.questionnaires import NO_ANSWER, Questionnaire, all_questionnaires, page_form_class
from survey_app.respond import blueprint
from survey_app.respond.forms import StartForm
from survey_app.respond.gate import COMPLETED_KEY, closed_or_answered_page, thanks_page
from survey_app.respond.page_cache import init_page_cache, stored_page
from survey_app.respond.visit import DraftState, Visit, load_visit
from survey_app.web.access import public
from survey_app.web.throttle import count_unknown_link, unknown_link_refused

INVITATION_KEY = "invitation"
#: The names the start page gives the meeting's place ("HLT-teamet i Åsele").
_PLACE = (
    select(Municipality.name, Area.name)
    .select_from(Team)
    .join(Municipality, Municipality.id == Team.municipality_id)
    .join(Area, Area.id == Municipality.area_id)
    .where(Team.id == bindparam("team"))
)

# Every POST here validates a FlaskForm, whose CSRF check lets a stale page be shown again
# with the person's answers instead of the global handler's generic error page.
csrf.exempt(blueprint)
blueprint.record_once(lambda state: init_page_cache(state.app))

ViewResult = str | WerkzeugResponse | tuple[str, int]


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


@blueprint.get("/<token>")
@public(reason="the family's personal link; the token is the credential")
def open_link(token: str) -> ViewResult:
    """Look the link up and move its token out of the address bar. Never uses the link up."""
    invitation_id = invitation_for_token(token)
    visit = load_visit(invitation_id) if invitation_id is not None else None
    if visit is None:
        # Only unknown links are throttled: a valid one opens whatever the address did before.
        if unknown_link_refused():
            abort(429)
        count_unknown_link()
        return _link_not_valid()
    session.clear()  # another person's link on a shared phone starts afresh
    session[INVITATION_KEY] = visit.id
    if not visit.has_ended(utcnow()):
        record_opened(visit.id, visit.role, visit.campaign_id)
    return redirect(url_for(".start_page"))


def _questionnaire(visit: Visit) -> Questionnaire:
    questionnaire = all_questionnaires().get(visit.questionnaire_key)
    if questionnaire is None:
        abort(500)
    return questionnaire


def _current_page(questionnaire: Questionnaire, draft: DraftState) -> int:
    visible = questionnaire.visible_pages(draft.answers)
    reached = [page for page in visible if page <= draft.reached_page]
    return max(reached) if reached else visible[0]


@blueprint.route("/", methods=["GET", "POST"])
@public(reason="family page; the session holds the invitation opened by its link")
def start_page() -> ViewResult:
    visit: Visit | None = g.visit
    if visit is None:
        return _no_session()
    blocked = closed_or_answered_page(visit)
    if blocked is not None:
        return blocked
    questionnaire = _questionnaire(visit)
    if request.method == "POST":
        if StartForm().validate_on_submit():
            if visit.draft is None:
                # A fresh draft (also when a parallel Start made it first).
                start(visit.id, visit.role, visit.campaign_id)
            draft = visit.draft or DraftState(answers={}, reached_page=1)
            return redirect(url_for(".question_page", page=_current_page(questionnaire, draft)))
        flash(_("Sidan hade varit öppen länge. Tryck på knappen en gång till."), "error")
    municipality, area = db.session.connection().execute(_PLACE, {"team": visit.team_id}).one()
    resuming = visit.draft is not None

    def render() -> str:
        return render_template(
            # Children and young people get their own easy-to-read start page when one exists.
            [f"respond/start_{visit.role}.html", "respond/start.html"],
            form=StartForm(),
            questionnaire=questionnaire,
            municipality=municipality,
            area=area,
            resuming=resuming,
        )

    return stored_page(
        ("start", visit.role, questionnaire.key, municipality, area, resuming), render
    )


def _kept_answers(
    questionnaire: Questionnaire, items: tuple, form: object
) -> dict[str, str | None]:
    """The posted answers that are valid on their own (for Back: keep what can be kept)."""
    kept: dict[str, str | None] = {}
    for item in items:
        field = getattr(form, item.key)
        value = field.data
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
        return redirect(url_for(".thanks"))
    blocked = closed_or_answered_page(visit)
    if blocked is not None:
        return blocked
    draft = visit.draft
    if draft is None:
        return redirect(url_for(".start_page"))
    questionnaire = _questionnaire(visit)
    visible = questionnaire.visible_pages(draft.answers)
    current = _current_page(questionnaire, draft)
    if page not in visible or page > draft.reached_page:
        if request.method == "POST":
            flash(
                _("Den sidan kan du inte svara på just nu. Du fortsätter här i stället."), "error"
            )
        return redirect(url_for(".question_page", page=current))

    items = questionnaire.page_items(page, draft.answers)
    form_class = page_form_class(questionnaire, items)
    if request.method == "GET":
        saved = {item.key: draft.answers.get(item.key) for item in items}
        # A page showing a typed answer is never stored: free text may say who wrote it, and
        # the store would keep it after the draft is gone. Chosen options are a few codes.
        typed = any(item.type != "choice" and saved[item.key] for item in items)

        def render() -> str:
            return _render_page(questionnaire, draft, page, items, form_class(data=saved))

        # Everything else the page shows: questionnaire, which items, the answers on them,
        # and the visible pages (position, total, last or not).
        key = (
            questionnaire.key,
            questionnaire.version,
            page,
            tuple(saved.items()),
            tuple(questionnaire.visible_pages(draft.answers)),
        )
        return stored_page(None if typed else key, render)

    form = form_class()
    previous = [p for p in visible if p < page]
    if request.form.get("action") == "back":
        kept = {**draft.answers, **_kept_answers(questionnaire, items, form)}
        if not save_page(visit.id, kept, draft.reached_page):
            return redirect(url_for(".start_page"))  # submitted in parallel: says so
        if previous:
            return redirect(url_for(".question_page", page=previous[-1]))
        return redirect(url_for(".start_page"))

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
        return _render_page(questionnaire, draft, page, items, form)

    posted = {item.key: getattr(form, item.key).data for item in items}
    merged = {**draft.answers, **posted}
    following = [p for p in questionnaire.visible_pages(merged) if p > page]
    if following:
        if not save_page(visit.id, merged, max(draft.reached_page, following[0])):
            session[COMPLETED_KEY] = visit.id  # the draft was submitted in parallel
            return redirect(url_for(".thanks"))
        return redirect(url_for(".question_page", page=following[0]))
    # The last page goes straight into the response: saving it to the draft first would be
    # one more commit (an fsync on SQLite) for a draft the submit deletes.
    if submit(visit.id, questionnaire, merged) is SubmitOutcome.WINDOW_CLOSED:
        return redirect(url_for(".start_page"))  # shows the "closed" page; nothing was stored
    session[COMPLETED_KEY] = visit.id
    return redirect(url_for(".thanks"))


def _render_page(
    questionnaire: Questionnaire, draft: DraftState, page: int, items: tuple, form: object
) -> str:
    visible = questionnaire.visible_pages(draft.answers)
    return render_template(
        "respond/question.html",
        questionnaire=questionnaire,
        items=items,
        form=form,
        page=page,
        position=visible.index(page) + 1 if page in visible else 1,
        total=len(visible),
        is_last=page == visible[-1],
    )


@blueprint.get("/tack")
@public(reason="family page; the session holds the invitation opened by its link")
def thanks() -> ViewResult:
    visit: Visit | None = g.visit
    if visit is None or session.get(COMPLETED_KEY) != visit.id:
        return redirect(url_for(".start_page"))
    return thanks_page(visit)
