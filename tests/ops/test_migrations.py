"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from survey_app.extensions import db
from survey_app.models import Team, utcnow
from survey_app.ops import migrations

ROOT = Path(__file__).resolve().parents[2]


def _schema_differences(app: Flask, metadata: sa.MetaData | None = None) -> list[Any]:
    migrations.enable(app)
    options = app.extensions["migrate"].configure_args
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "render_as_batch": options.get("render_as_batch", False),
            },
        )
        return compare_metadata(context, metadata if metadata is not None else db.metadata)


def _snapshot(app: Flask) -> dict[str, Any]:
    """Tables, columns, indexes, constraints, migration head and reference row counts."""
    inspector = sa.inspect(db.engine)
    columns = inspector.get_columns
    tables: dict[str, Any] = {}
    for name in sorted(inspector.get_table_names()):
        tables[name] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in columns(name)],
            "indexes": sorted(i["name"] or "" for i in inspector.get_indexes(name)),
            "checks": sorted(c["name"] or "" for c in inspector.get_check_constraints(name)),
            "uniques": sorted(u["name"] or "" for u in inspector.get_unique_constraints(name)),
        }
    with db.engine.connect() as connection:
        head = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
        teams = connection.scalar(sa.select(sa.func.count()).select_from(Team))
    return {"tables": tables, "head": head, "teams": teams}


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    assert _schema_differences(app) == []


def test_upgrading_an_up_to_date_database_changes_nothing(app: Flask) -> None:
    before = _snapshot(app)
    migrations.upgrade()
    assert _snapshot(app) == before
    assert before["teams"] == 15  # the seed ran once, not twice


def test_schema_rules_are_enforced_by_the_database(app: Flask, make_campaign: Any) -> None:
    """The CHECK constraints came through the migrations on both databases."""
    now = utcnow()
    with pytest.raises(sa.exc.IntegrityError, match="ck_campaigns_closes_after_opens"):
        make_campaign(opens_at=now, closes_at=now - timedelta(days=1))
    db.session.rollback()


def test_the_comparison_would_notice_a_missing_column(app: Flask) -> None:
    """Guards the first test: a model column the migrations lack is reported."""
    models = sa.MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(models)
    models.tables["teams"].append_column(sa.Column("not_migrated", sa.Integer, nullable=True))
    differences = _schema_differences(app, models)
    assert [(d[0], d[3].name) for d in differences] == [("add_column", "not_migrated")]


def test_flask_db_runs_flask_migrates_commands_with_their_options(tmp_path: Path) -> None:
    """`flask db` loads Flask-Migrate only when run (survey_app.ops.migrations): its commands,
    options and help still arrive whole, as `make run` and the deployment use them."""
    environment = {
        **os.environ,
        "SURVEY_ENV": "development",
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'survey.sqlite3'}",
    }

    def flask_db(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "db", *args]
        return subprocess.run(
            command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
        )

    assert "--directory" in flask_db("--help").stdout
    assert flask_db("upgrade").returncode == 0
    current = flask_db("current")
    assert current.returncode == 0, current.stderr
    assert current.stdout.strip().endswith("(head)")
    elsewhere = flask_db("--directory", str(tmp_path / "none"), "upgrade")
    assert elsewhere.returncode != 0
    assert "Path doesn't exist" in elsewhere.stdout + elsewhere.stderr
