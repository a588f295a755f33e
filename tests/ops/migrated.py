"""An app on its own database, migrated to a given revision only: for tests of one migration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from survey_app import create_app
from survey_app.extensions import db
from survey_app.ops import migrations
from tests.conftest import worker_name
from tests.postgres import create_worker_database

POSTGRES_URL = os.environ.get("SURVEY_TEST_DATABASE_URL", "")


@contextmanager
def app_at_revision(folder: Path, revision: str) -> Iterator[Flask]:
    """A fresh database (SQLite in `folder`, or this worker's own PostgreSQL database) at
    `revision`, with the app context pushed; the minimum group size is 2."""
    if POSTGRES_URL:
        url = create_worker_database(POSTGRES_URL, f"{worker_name()}_m{revision}")
    else:
        url = f"sqlite:///{folder / f'at-{revision}.sqlite3'}"
    app = create_app(
        {
            "SURVEY_ENV": "testing",
            "SECRET_KEY": "migration-test",
            "SURVEY_DATABASE_URL": url,
            "MIN_GROUP_SIZE": 2,
        }
    )
    with app.app_context():
        migrations.upgrade(revision=revision)
        yield app
        db.session.remove()
        db.engine.dispose()
