"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade

from survey_app.extensions import db
from survey_app.models import Team, utcnow


def _schema_differences(app: Flask, metadata: sa.MetaData | None = None) -> list[Any]:
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
    upgrade()
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
