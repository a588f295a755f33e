"""Fixtures shared by the whole suite: app, client, runner, db and factories.

The schema is always built by the real Alembic migrations (never create_all), once per test
session; each test then gets a fresh copy (SQLite) or freshly emptied tables (PostgreSQL,
when SURVEY_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from survey_app import create_app
from survey_app.domain.links import issue_link
from survey_app.extensions import db as _db
from survey_app.models import (
    AgeBand,
    Campaign,
    CampaignState,
    ChildAttended,
    Invitation,
    Meeting,
    MeetingService,
    Role,
    Service,
    Team,
    utcnow,
)
from survey_app.ops import migrations
from survey_app.questionnaires import QUESTIONNAIRE_FOR_ROLE
from tests.browser import browser, live_server  # noqa: F401  (shared by browser tests)
from tests.services import gunicorn_service, redis_url  # noqa: F401  (Redis, gunicorn)

from .postgres import Resetter, create_worker_database

POSTGRES_URL = os.environ.get("SURVEY_TEST_DATABASE_URL", "")
# Settings from the shell running the tests (e.g. SMS_GATEWAY exported for development)
# must not change what the tests see: each test says what it configures.
for _name in [n for n in os.environ if n.startswith(("SMS_", "ELKS_", "TWILIO_"))]:
    del os.environ[_name]


def _base_config(database_url: str) -> dict[str, Any]:
    return {
        "SURVEY_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SURVEY_DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SURVEY_BASE_URL": "https://enkat.example.se",
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass (`make test` with TEST_DATABASE_URL) runs what touches a database:
    tests on the migrated database's fixtures, and those marked `database` that build their
    own. The rest (the analysis library, catalogs, texts) ran in the SQLite pass already and
    would only run again the same way. So do the browser tests: they check what Chromium shows
    and does with the pages, which are the same pages on either database (what the server does
    with each request runs on PostgreSQL in the tests of the family path, the staff pages and
    the races); they took about half of this pass's time."""
    if not POSTGRES_URL:
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        touches = "migrated_database" in fixtures or item.get_closest_marker("database")
        in_browser = item.get_closest_marker("browser") is not None
        (kept if touches and not in_browser else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def worker_name() -> str:
    """This process's name among parallel test processes ("main" without pytest-xdist).

    Read from the environment xdist sets, so the suite also runs without the plugin
    (`-p no:xdist`), where its `worker_id` fixture does not exist.
    """
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database URL with the schema built by the migrations (once per session and worker)."""
    if POSTGRES_URL:
        url = create_worker_database(POSTGRES_URL, worker_name())
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
    app = create_app(_base_config(url))
    with app.app_context():
        migrations.upgrade()
        _db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def postgres_resetter(migrated_database: str) -> Iterator[Resetter | None]:
    """On PostgreSQL: puts the worker's database back to its just-migrated contents."""
    if not POSTGRES_URL:
        yield None
        return
    resetter = Resetter(migrated_database)
    yield resetter
    resetter.dispose()


@pytest.fixture
def database_url(
    migrated_database: str, postgres_resetter: Resetter | None, tmp_path: Path
) -> Iterator[str]:
    """A database for one test: a copy of the migrated file, or (PostgreSQL) reset afterwards."""
    if postgres_resetter is not None:
        yield migrated_database
        # Runs after every app of the test is torn down, whatever wrote to the database
        # (an app, a CLI command, a subprocess).
        postgres_resetter.reset()
        return
    template = Path(sa.engine.make_url(migrated_database).database or "")
    copy = tmp_path / "survey.sqlite3"
    shutil.copyfile(template, copy)
    yield f"sqlite:///{copy}"


@pytest.fixture
def app_factory(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on the test database with extra settings (e.g. CSRF turned on)."""
    apps: list[Flask] = []
    # Reports written when a test closes a window stay inside the test's own folder.
    reports = tmp_path / "reports"

    def build(**overrides: Any) -> Flask:
        settings = {**_base_config(database_url), "REPORTS_DIRECTORY": str(reports)}
        application = create_app({**settings, **overrides})
        apps.append(application)
        return application

    yield build
    for application in apps:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Iterator[Flask]:
    application = app_factory()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask) -> Any:
    return _db


@pytest.fixture
def make_campaign(app: Flask) -> Callable[..., Campaign]:
    def make(
        *,
        name: str = "Testfönster",
        opens_at: datetime | None = None,
        closes_at: datetime | None = None,
        state: CampaignState = CampaignState.OPEN,
        **fields: Any,
    ) -> Campaign:
        now = utcnow()
        campaign = Campaign(
            name=name,
            opens_at=opens_at or now - timedelta(days=1),
            closes_at=closes_at or now + timedelta(days=30),
            state=state,
            **fields,
        )
        if state in (CampaignState.CLOSED, CampaignState.ANALYSED):
            campaign.closed_at = fields.get("closed_at") or now
        _db.session.add(campaign)
        _db.session.commit()
        return campaign

    return make


@pytest.fixture
def make_meeting(app: Flask, make_campaign: Callable[..., Campaign]) -> Callable[..., Meeting]:
    def make(
        *,
        campaign: Campaign | None = None,
        team: str = "HLT Åsele",
        age_band: AgeBand = AgeBand.CHILD,
        child_attended: ChildAttended = ChildAttended.YES,
        held_on: date | None = None,
        services: tuple[Service, ...] = (),
    ) -> Meeting:
        meeting = Meeting(
            campaign=campaign or make_campaign(),
            team=_db.session.scalar(sa.select(Team).where(Team.name == team)),
            held_on=held_on or date(2026, 11, 20),
            age_band=age_band,
            child_attended=child_attended,
            services=[MeetingService(service=service) for service in services],
        )
        _db.session.add(meeting)
        _db.session.commit()
        return meeting

    return make


@pytest.fixture
def make_invitation(app: Flask, make_meeting: Callable[..., Meeting]) -> Callable[..., Invitation]:
    """Returns invitations with their one-time `token` attached (it is never stored)."""

    def make(
        *,
        role: str = "guardian",
        language: str = "sv",
        meeting: Meeting | None = None,
        phone: str | None = "+46701740605",
        **meeting_fields: Any,
    ) -> Invitation:
        if meeting is None:
            if role == "youth":
                meeting_fields.setdefault("age_band", AgeBand.YOUTH)
            meeting = make_meeting(**meeting_fields)
        invitation = Invitation(
            meeting=meeting,
            role=Role(role),
            questionnaire_key=QUESTIONNAIRE_FOR_ROLE[role],
            language=language,
            phone=phone,
        )
        _db.session.add(invitation)
        _db.session.flush()
        # As if its SMS had gone out with a link (a token is made only when one is sent).
        invitation.token = issue_link(invitation.id)
        _db.session.commit()
        return invitation

    return make
