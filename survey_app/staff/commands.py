"""`flask users ...`: create, list, disable and reset staff accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask import current_app
from sqlalchemy import select

from survey_app.accounts import totp
from survey_app.accounts.authentication import find_user, normalise_email
from survey_app.accounts.passwords import hash_password, password_problem
from survey_app.accounts.reset import issue_reset, reset_url
from survey_app.accounts.sessions import end_every_session
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import StaffRole, Team, User
from survey_app.staff import blueprint


@blueprint.cli.group("users")
def users_group() -> None:
    """Staff accounts: create, list, disable, reset."""


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
        factor = "tvåsteg" if user.second_factor is not None else "–"
        teams = ", ".join(team.name for team in user.teams)
        click.echo(f"{user.email:<40} {user.role.value:<12} {state:<9} {factor:<8} {teams}")


@users_group.command("disable")
@click.argument("email")
def disable_user(email: str) -> None:
    """Disable an account: the person can no longer log in, and open sessions end."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"Det finns inget konto för {normalise_email(email)}.")
    if user.active:
        user.active = False
        end_every_session(user)
        audit.record(None, audit.USER_DISABLED, "user", user.id, email=user.email, via="cli")
        db.session.commit()
    click.echo(f"Kontot {user.email} är avstängt.")


def _active_user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"Det finns inget konto för {normalise_email(email)}.")
    if not user.active:
        raise click.ClickException(f"Kontot {user.email} är avstängt.")
    return user


@users_group.command("reset")
@click.argument("email")
@click.option(
    "--second-factor", is_flag=True, help="Also remove the authenticator app (a lost phone)."
)
def reset_user(email: str, second_factor: bool) -> None:
    """Print a one-time link for choosing a new password (it expires; a new one replaces it)."""
    user = _active_user(email)
    if second_factor and user.second_factor is not None:
        totp.remove(user)
        end_every_session(user)
        audit.record(None, audit.SECOND_FACTOR_REMOVED, "user", user.id, by="admin", via="cli")
    token, _reset = issue_reset(user, None, via="cli")
    db.session.commit()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    click.echo(f"Länk för nytt lösenord till {user.email} (en gång, i {hours} timmar):")
    click.echo(reset_url(token))
    if second_factor:
        click.echo("Tvåstegsverifieringen är nollställd: appen läggs till vid nästa inloggning.")
