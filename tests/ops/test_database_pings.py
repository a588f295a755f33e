"""PostgreSQL: a connection left dead in the pool (server restarted, backend killed) is
replaced when it is next used after sitting idle, so the family sees a page, not an error."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.interfaces import DBAPIConnection

from survey_app.extensions import db
from survey_app.ops import database
from survey_app.ops.database import PING_AFTER_IDLE_SECONDS

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
        backend = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    assert _terminate(database_url, backend)
    time.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
    # A family page on the same pool: the dead connection fails its ping and is replaced.
    assert client.get("/tillganglighet").status_code == 200
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar() != backend


@pytest.fixture
def pings(app, monkeypatch) -> list[object]:
    """The connections the pool pings. The ping goes by a raw DB-API cursor, which
    SQLAlchemy's statement events never see, so the dialect's ping itself is counted."""
    dialect = db.engine.dialect
    pinged: list[object] = []
    ping = dialect.do_ping

    def counted_ping(dbapi_connection: DBAPIConnection) -> bool:
        pinged.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted_ping)
    db.session.remove()
    return pinged


def _use_the_pool(times: int) -> None:
    for _ in range(times):  # out of the pool and back again
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 2")).scalar() == 2


def test_a_busy_connection_is_not_pinged(pings, monkeypatch):
    # A long window, so a stall of the shared CI machine between two checkouts cannot count
    # as idling; a ping at every checkout would still be counted.
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 60)
    _use_the_pool(4)
    assert pings == []


def test_an_idle_connection_is_pinged_at_checkout(pings, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0)  # every checkout has idled
    _use_the_pool(3)
    assert len(pings) == 3
