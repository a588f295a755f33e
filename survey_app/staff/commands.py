"""`flask users ...`: create, list and disable staff accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask import current_app
from sqlalchemy import select

from survey_app.accounts.authentication import find_user, normalise_email
from survey_app.accounts.passwords import hash_password, password_problem
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import StaffRole, Team, User
from survey_app.staff import blueprint


@blueprint.cli.group("users")
def users_group() -> None:
    """Staff accounts: create, list, disable."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(
        click.prompt("Lösenord", hide_input=True, confirmation_prompt="Lösenordet igen", type=str)
    )


@users_group.command("create")
@click.option("--email", required=True, help="The person's e-mail address (their login).")
@click.option(
    "--role", type=click.Choice([role.value for role in StaffRole]), required=True, help="Role."
)
@click.option("--team", "teams", multiple=True, help='A coordinator\'s team, e.g. "HLT Åsele".')
@click.option("--language", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    email: str, role: str, teams: tuple[str, ...], language: str, password_stdin: bool
) -> None:
    """Create a staff account; the password is asked for twice and never echoed."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise click.ClickException(f"Det finns redan ett konto för {email}.")
    chosen = []
    for name in teams:
        team = db.session.scalar(select(Team).where(Team.name == name))
        if team is None:
            raise click.ClickException(f"Det finns inget team som heter {name!r}.")
        chosen.append(team)
    if role == StaffRole.COORDINATOR and not chosen:
        raise click.ClickException("En samordnare behöver minst ett team (--team).")
    password = _read_password(password_stdin)
    # The message is translated, and locale selection needs a request: give it a neutral one.
    with current_app.test_request_context():
        problem = password_problem(password, email)
    if problem is not None:
        raise click.ClickException(problem)
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=StaffRole(role),
        language=language,
        teams=chosen if role == StaffRole.COORDINATOR else [],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(None, audit.USER_CREATED, "user", user.id, email=email, role=role, via="cli")
    db.session.commit()
    click.echo(f"Kontot {email} ({role}) är skapat.")


@users_group.command("list")
def list_users() -> None:
    """List staff accounts with role, teams and whether they are active."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "aktivt" if user.active else "avstängt"
        teams = ", ".join(team.name for team in user.teams)
        click.echo(f"{user.email:<40} {user.role.value:<12} {state:<9} {teams}")


@users_group.command("disable")
@click.argument("email")
def disable_user(email: str) -> None:
    """Disable an account: the person can no longer log in, and open sessions end."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"Det finns inget konto för {normalise_email(email)}.")
    if user.active:
        user.active = False
        audit.record(None, audit.USER_DISABLED, "user", user.id, email=user.email, via="cli")
        db.session.commit()
    click.echo(f"Kontot {user.email} är avstängt.")
