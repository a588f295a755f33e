"""Views of the family's path. Every POST saves what it can; nothing typed is lost silently."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response as WerkzeugResponse

from ..answering import (
    SubmitOutcome,
    find_invitation,
    record_opened,
    save_page,
    start,
    submit,
)
from ..extensions import csrf, db, limiter
from ..i18n import FAMILY_LANGUAGES, SESSION_KEY, family_language
from ..models import Draft, Invitation, Meeting
from ..questionnaires import NO_ANSWER, Questionnaire, all_questionnaires, page_form_class
from ..staff.access import public
from . import blueprint
from .forms import StartForm
from .gate import COMPLETED_KEY, closed_or_answered_page

INVITATION_KEY = "invitation"
INVITATION_WITH_WINDOW = [joinedload(Invitation.meeting).joinedload(Meeting.campaign)]

# Every POST here validates a FlaskForm, whose CSRF check lets a stale page be shown again
# with the person's answers instead of the global handler's generic error page.
csrf.exempt(blueprint)

ViewResult = str | WerkzeugResponse | tuple[str, int]


@blueprint.before_request
def load_invitation() -> WerkzeugResponse | None:
    """Put the session's invitation in g, and apply a language picked from the menu."""
    invitation_id = session.get(INVITATION_KEY)
    # One query for what every family page needs: the invitation, its meeting and window.
    g.invitation = (
        db.session.get(Invitation, invitation_id, options=INVITATION_WITH_WINDOW)
        if invitation_id
        else None
    )
    if g.invitation is not None:
        g.invitation_language = family_language(g.invitation.language)
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


def _lookup_failed(response: WerkzeugResponse) -> bool:
    return response.status_code == 404


def _link_failure_limit() -> str:
    return str(current_app.config["LINK_FAILURE_LIMIT"])


@blueprint.get("/<token>")
@public(reason="the family's personal link; the token is the credential")
# Only failed look-ups count: a burst of guessed tokens is stopped, a family is not.
@limiter.limit(_link_failure_limit, deduct_when=_lookup_failed)
def open_link(token: str) -> ViewResult:
    """Look the link up and move its token out of the address bar. Never uses the link up."""
    invitation = find_invitation(token)
    if invitation is None:
        return _link_not_valid()
    session.clear()  # another person's link on a shared phone starts afresh
    session[INVITATION_KEY] = invitation.id
    record_opened(invitation)
    return redirect(url_for(".start_page"))


def _questionnaire(invitation: Invitation) -> Questionnaire:
    questionnaire = all_questionnaires().get(invitation.questionnaire_key)
    if questionnaire is None:
        abort(500)
    return questionnaire


def _draft(invitation: Invitation) -> Draft | None:
    return db.session.scalar(select(Draft).where(Draft.invitation_id == invitation.id))


def _current_page(questionnaire: Questionnaire, draft: Draft) -> int:
    visible = questionnaire.visible_pages(draft.answers)
    reached = [page for page in visible if page <= draft.reached_page]
    return max(reached) if reached else visible[0]


@blueprint.route("/", methods=["GET", "POST"])
@public(reason="family page; the session holds the invitation opened by its link")
def start_page() -> ViewResult:
    invitation: Invitation | None = g.invitation
    if invitation is None:
        return _no_session()
    blocked = closed_or_answered_page(invitation)
    if blocked is not None:
        return blocked
    questionnaire = _questionnaire(invitation)
    form = StartForm()
    draft = _draft(invitation)
    if request.method == "POST":
        if form.validate_on_submit():
            draft = start(invitation)
            return redirect(url_for(".question_page", page=_current_page(questionnaire, draft)))
        flash(_("Sidan hade varit öppen länge. Tryck på knappen en gång till."), "error")
    meeting = invitation.meeting
    return render_template(
        # Children and young people get their own easy-to-read start page when one exists.
        [f"respond/start_{invitation.role}.html", "respond/start.html"],
        form=form,
        invitation=invitation,
        questionnaire=questionnaire,
        team=meeting.team,
        resuming=draft is not None,
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
    invitation: Invitation | None = g.invitation
    if invitation is None:
        return _no_session()
    if request.method == "POST" and invitation.completed_at is not None:
        # A repeated submit (double tap, retry after a time-out): the same thank-you page.
        session[COMPLETED_KEY] = invitation.id
        return redirect(url_for(".thanks"))
    blocked = closed_or_answered_page(invitation)
    if blocked is not None:
        return blocked
    draft = _draft(invitation)
    if draft is None:
        return redirect(url_for(".start_page"))
    questionnaire = _questionnaire(invitation)
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
        form = form_class(data={item.key: draft.answers.get(item.key) for item in items})
        return _render_page(questionnaire, draft, page, items, form)

    form = form_class()
    previous = [p for p in visible if p < page]
    if request.form.get("action") == "back":
        try:
            save_page(draft, _kept_answers(questionnaire, items, form), draft.reached_page)
        except StaleDataError:
            db.session.rollback()
            return redirect(url_for(".start_page"))
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
    try:
        save_page(draft, posted, following[0] if following else page)
    except StaleDataError:  # the draft was submitted by a parallel request
        db.session.rollback()
        session[COMPLETED_KEY] = invitation.id
        return redirect(url_for(".thanks"))
    if following:
        return redirect(url_for(".question_page", page=following[0]))
    if submit(invitation, questionnaire, merged) is SubmitOutcome.WINDOW_CLOSED:
        return redirect(url_for(".start_page"))  # shows the "closed" page; nothing was stored
    session[COMPLETED_KEY] = invitation.id
    return redirect(url_for(".thanks"))


def _render_page(
    questionnaire: Questionnaire, draft: Draft, page: int, items: tuple, form: object
) -> str:
    visible = questionnaire.visible_pages({**draft.answers})
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
    invitation: Invitation | None = g.invitation
    if invitation is None or session.get(COMPLETED_KEY) != invitation.id:
        return redirect(url_for(".start_page"))
    return render_template("respond/thanks.html", invitation=invitation)
