"""Staff accounts (admin): list, create, change role and teams, disable, reset sign-in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from survey_app.accounts import totp
from survey_app.accounts.authentication import find_user, normalise_email
from survey_app.accounts.passwords import hash_password, password_problem
from survey_app.accounts.reset import issue_reset, reset_url
from survey_app.accounts.sessions import end_every_session
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import StaffRole, Team, User
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff
from survey_app.staff.admin_forms import ConfirmForm, EditUserForm, NewUserForm, UserForm
from survey_app.staff.navigation import add_menu_entry

ViewResult = str | WerkzeugResponse

add_menu_entry(
    "staff.users", _l("Konton"), _l("Skapa konton för personal och ge dem roll och team."), 70
)


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _team_choices(form: UserForm) -> None:
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    form.teams.choices = [
        SelectChoice(
            str(team.id), team.name if team.active else _("%(name)s (inaktivt)", name=team.name)
        )
        for team in teams
    ]


def _chosen_teams(form: UserForm) -> list[Team]:
    ids = form.teams.data or []
    return list(db.session.scalars(select(Team).where(Team.id.in_(ids)).order_by(Team.name)))


def _check_role_and_teams(form: UserForm) -> bool:
    if form.role.data == StaffRole.COORDINATOR.value and not form.teams.data:
        form.teams.errors = [*form.teams.errors, _("En samordnare behöver minst ett team.")]
        return False
    return True


@blueprint.get("/users")
@allow(StaffRole.ADMIN)
def users() -> str:
    rows = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("staff/users/list.html", users=rows, confirm=ConfirmForm())


@blueprint.route("/users/new", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def new_user() -> ViewResult:
    form = NewUserForm()
    _team_choices(form)
    if form.is_submitted():
        # Every problem is reported at once, so one round of corrections is enough.
        valid = form.validate()
        valid = _check_role_and_teams(form) and valid
        email = normalise_email(form.email.data or "")
        problem = password_problem(form.password.data or "", email)
        if problem is not None and not form.password.errors:
            form.password.errors.append(problem)
        if find_user(email) is not None:
            form.email.errors.append(_("Det finns redan ett konto med den e-postadressen."))
        if valid and problem is None and not form.email.errors:
            user = User(
                email=email,
                password_hash=hash_password(form.password.data),
                role=StaffRole(form.role.data),
                language=form.language.data,
                teams=_chosen_teams(form) if form.role.data == StaffRole.COORDINATOR else [],
                # The admin chose this password: the person replaces it at the first sign-in.
                must_change_password=True,
            )
            db.session.add(user)
            db.session.flush()
            audit.record(
                current_staff(),
                audit.USER_CREATED,
                "user",
                user.id,
                email=user.email,
                role=user.role.value,
                teams=[team.name for team in user.teams],
            )
            db.session.commit()
            flash(_("Kontot för %(email)s är skapat.", email=user.email), "info")
            return redirect(url_for("staff.users"))
    return render_template("staff/users/form.html", form=form, user=None, confirm=ConfirmForm())


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def edit_user(user_id: int) -> ViewResult:
    user = _user_or_404(user_id)
    form = EditUserForm(
        data={
            "email": user.email,
            "role": user.role.value,
            "teams": [team.id for team in user.teams],
            "language": user.language,
            "active": user.active,
        }
    )
    _team_choices(form)
    if form.validate_on_submit() and _check_role_and_teams(form):
        email = normalise_email(form.email.data)
        other = find_user(email)
        if other is not None and other.id != user.id:
            form.email.errors.append(_("Det finns redan ett konto med den e-postadressen."))
        elif user.id == current_staff().id and (
            form.role.data != StaffRole.ADMIN.value or not form.active.data
        ):
            form.role.errors.append(
                _("Du kan inte ta bort din egen administratörsroll eller stänga av dig själv.")
            )
        else:
            before = _snapshot(user)
            user.email = email
            user.role = StaffRole(form.role.data)
            user.language = form.language.data
            user.active = bool(form.active.data)
            user.teams = _chosen_teams(form) if user.role == StaffRole.COORDINATOR else []
            after = _snapshot(user)
            changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if changes.keys() & {"email", "role", "active", "teams"}:
                # What the person may see changed: sessions begun under the old rules end.
                end_every_session(user)
            if changes:
                audit.record(current_staff(), audit.USER_CHANGED, "user", user.id, changes=changes)
            db.session.commit()
            flash(_("Ändringarna är sparade."), "info")
            return redirect(url_for("staff.users"))
    return render_template("staff/users/form.html", form=form, user=user, confirm=ConfirmForm())


def _snapshot(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "role": user.role.value,
        "language": user.language,
        "active": user.active,
        "teams": [team.name for team in user.teams],
    }


@blueprint.post("/users/<int:user_id>/disable")
@allow(StaffRole.ADMIN)
def disable_user(user_id: int) -> WerkzeugResponse:
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_staff().id:
        flash(_("Du kan inte stänga av ditt eget konto."), "error")
    elif user.active:
        user.active = False
        end_every_session(user)
        audit.record(current_staff(), audit.USER_DISABLED, "user", user.id, email=user.email)
        db.session.commit()
        flash(_("Kontot för %(email)s är avstängt.", email=user.email), "info")
    return redirect(url_for("staff.users"))


@blueprint.post("/users/<int:user_id>/reset-link")
@allow(StaffRole.ADMIN)
def issue_reset_link(user_id: int) -> ViewResult:
    """A one-time link for the person to choose a new password (shown here once)."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not user.active:
        flash(_("Kontot är avstängt. Aktivera det först."), "error")
        return redirect(url_for("staff.edit_user", user_id=user.id))
    token, reset = issue_reset(user, current_staff())
    db.session.commit()
    return render_template(
        "staff/users/reset_link.html", user=user, link=reset_url(token), expires_at=reset.expires_at
    )


@blueprint.post("/users/<int:user_id>/second-factor/reset")
@allow(StaffRole.ADMIN)
def reset_second_factor(user_id: int) -> WerkzeugResponse:
    """For a lost phone: the person enrols an app again at the next sign-in."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.second_factor is not None:
        totp.remove(user)
        end_every_session(user)
        audit.record(current_staff(), audit.SECOND_FACTOR_REMOVED, "user", user.id, by="admin")
        db.session.commit()
        flash(_("Tvåstegsverifieringen för %(email)s är nollställd.", email=user.email), "info")
    return redirect(url_for("staff.edit_user", user_id=user.id))
