"""gunicorn's master warms the app before forking: it compiles, reads and looks up, and must
neither write nor leave a database connection for the workers to inherit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from survey_app.extensions import db
from survey_app.ops.warm_up import warm_up
from survey_app.respond.page_cache import EXTENSION_KEY


def _row_counts() -> dict[str, int]:
    metadata = sa.MetaData()
    metadata.reflect(db.engine)
    with db.engine.connect() as connection:
        return {
            name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def test_warming_up_compiles_templates_writes_nothing_and_closes_its_connections(
    app: Flask, make_invitation: Callable
) -> None:
    make_invitation()
    db.session.commit()
    before = _row_counts()
    assert app.jinja_env.cache is not None  # Flask's Jinja keeps compiled templates
    app.jinja_env.cache.clear()
    warm_up(app)
    assert app.jinja_env.cache is not None
    assert len(app.jinja_env.cache) >= len(app.jinja_env.list_templates(extensions=["html"]))
    pool = db.engine.pool
    assert isinstance(pool, sa.pool.QueuePool)  # the pool that counts its checked-out ones
    assert pool.checkedout() == 0
    assert _row_counts() == before
    # The start pages it rendered for a visit that does not exist are not kept.
    assert len(app.extensions[EXTENSION_KEY]) == 0


def test_a_database_that_is_not_there_does_not_stop_the_master(
    app_factory: Callable[..., Flask], tmp_path: Path
) -> None:
    missing = tmp_path / "not-there" / "survey.sqlite3"
    app = app_factory(SURVEY_DATABASE_URL=f"sqlite:///{missing}")
    warm_up(app)  # logs a warning, raises nothing
    assert app.jinja_env.cache is not None
    assert len(app.jinja_env.cache) > 0
