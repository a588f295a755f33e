"""Helpers for the results tests: answer through the real family path, read exported CSVs."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from flask.testing import FlaskClient

from survey_app.accounts import passwords, totp
from survey_app.extensions import db as _db
from survey_app.models import StaffRole, Team, User
from tests.staff.signin import enrol_second_factor, log_in

#: Complete answers per role; each page only reads its own fields, so all are posted each time.
ANSWERS: dict[str, dict[str, str]] = {
    "guardian": {
        "G0": "3",
        "G1": "4",
        "G2": "3",
        "G3": "na",
        "G4": "2",
        "G5": "1",
        "G6": "4",
        "G7": "4",
        "G8": "3",
        "G9": "na",
        "G10": "3",
        "G11": "4",
        "G12": "Mer tid till barnet.",
    },
    "child": {"C0": "3", "C1": "3", "C2": "2", "C3": "na", "C4": "1", "C5": "3", "C6": "3"},
    "youth": {
        "Y0": "2",
        "Y1": "4",
        "Y2": "3",
        "Y3": "2",
        "Y4": "1",
        "Y5": "na",
        "Y6": "4",
        "Y7": "3",
        "Y8": "",
    },
}


def answer_all(client: FlaskClient, invitation: Any, answers: dict[str, str] | None = None) -> None:
    """Open the link, start, and post every page until the thank-you page."""
    answers = ANSWERS[invitation.role.value] if answers is None else answers
    assert client.get(f"/s/{invitation.token}").status_code == 200
    location = client.post("/s/").headers["Location"]
    for _ in range(20):
        if location.endswith("/s/tack"):
            return
        response = client.post(location, data=answers)
        assert response.status_code == 302, response.text
        location = response.headers["Location"]
    raise AssertionError("the questionnaire did not end")


@pytest.fixture
def respond(app: Any) -> Callable[..., None]:
    """Answer an invitation as its family would, each in a fresh browser."""

    def run(invitation: Any, answers: dict[str, str] | None = None) -> None:
        answer_all(app.test_client(), invitation, answers)

    return run


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


PASSWORD = "ett långt lösenord för test"


@pytest.fixture
def staff_client(app: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[..., FlaskClient]:
    """A client logged in as a new staff member of the given role (and teams)."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))

    def make(role: str = "analyst", teams: tuple[str, ...] = ()) -> FlaskClient:
        number = _db.session.scalar(sa.select(sa.func.count(User.id)))
        user = User(
            email=f"{role}-{number}@example.se",
            password_hash=passwords.hash_password(PASSWORD),
            role=StaffRole(role),
            teams=[_db.session.scalar(sa.select(Team).where(Team.name == n)) for n in teams],
        )
        _db.session.add(user)
        _db.session.commit()
        if totp.required_for(user):
            enrol_second_factor(user)
        client = app.test_client()
        response = log_in(client, user.email, PASSWORD)  # the code from the app too
        assert response.status_code == 302, response.text
        client.user = user
        return client

    return make


@pytest.fixture(autouse=True)
def _reports_in_tmp(app: Any, tmp_path: Path) -> None:
    """Closing writes a report: into this test's folder, never into instance/."""
    app.config["REPORTS_DIRECTORY"] = str(tmp_path / "reports")


def record_answer(invitation: Any, now: Any) -> None:
    """An invitation answered, as the family path leaves it (without posting every page): its
    SMS sent, its answer sealed and its keyed mark, by the submit the last page runs."""
    from survey_app.domain.answering import SubmitOutcome, submit
    from survey_app.questionnaires import get_questionnaire

    invitation.sent_at = invitation.sent_at or now
    _db.session.commit()
    questionnaire = get_questionnaire(invitation.questionnaire_key)
    first = questionnaire.items[0].key
    assert submit(invitation.id, questionnaire, {first: "3"}) is SubmitOutcome.STORED
