"""PostgreSQL: a connection left dead in the pool (server restarted, backend killed) is
replaced when it is next used after sitting idle, so the family sees a page, not an error."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from survey_app.database import PING_AFTER_IDLE_SECONDS
from survey_app.extensions import db

from ..conftest import POSTGRES_URL

# Runs in CI's PostgreSQL pass (make test with TEST_DATABASE_URL); SQLite has no server.
pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs the PostgreSQL pass")


def _terminate(database_url: str, backend: int) -> bool:
    """What a server restart does to a pooled connection: its backend process ends."""
    admin = sa.create_engine(database_url)
    try:
        with admin.connect() as connection:
            return bool(
                connection.execute(
                    sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}
                ).scalar()
            )
    finally:
        admin.dispose()


def test_a_dead_pooled_connection_is_replaced_after_idling(app, client, database_url):
    db.session.remove()
    with db.engine.connect() as connection:  # a pooled connection, then back to the pool
        backend = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    assert _terminate(database_url, backend)
    time.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
    # A family page on the same pool: the dead connection fails its ping and is replaced.
    assert client.get("/tillganglighet").status_code == 200
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar() != backend


def test_a_busy_connection_is_not_pinged(app):
    statements: list[str] = []
    sa.event.listen(
        db.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_rest: statements.append(statement),
    )
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT 2"))
    for _ in range(3):  # back in the pool and out again within the window
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 2"))
    assert statements == ["SELECT 2"] * 4
