"""Demo staff accounts, one per role, with fixed passwords printed by `flask demo`."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from survey_app.accounts.authentication import find_user
from survey_app.accounts.passwords import hash_password, verify_password
from survey_app.extensions import db
from survey_app.models import StaffRole, Team, User


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: StaffRole
    teams: tuple[str, ...] = ()


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.example", "demo-admin-losenord", StaffRole.ADMIN),
    DemoAccount(
        "samordnare@demo.example",
        "demo-samordnare-losenord",
        StaffRole.COORDINATOR,
        ("HLT Umeå", "HLT Åsele"),
    ),
    DemoAccount("analytiker@demo.example", "demo-analytiker-losenord", StaffRole.ANALYST),
)


def ensure_demo_accounts(teams: dict[str, Team]) -> list[dict[str, str]]:
    """Create (or restore) the demo accounts; never in production, where they would be a door."""
    if current_app.config["SURVEY_ENV"] == "production":
        return []
    printed = []
    for account in DEMO_ACCOUNTS:
        user = find_user(account.email)
        if user is None:
            user = User(email=account.email, password_hash="", role=account.role)
            db.session.add(user)
        if not verify_password(user.password_hash, account.password):
            user.password_hash = hash_password(account.password)
        user.role = account.role
        user.active = True
        user.teams = [teams[name] for name in account.teams]
        printed.append(
            {
                "email": account.email,
                "password": account.password,
                "role": account.role.value,
                "team": ", ".join(account.teams),
            }
        )
    return printed
