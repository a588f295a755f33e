"""survey_app.domain.transactions: what runs outside a transaction, and what never does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from survey_app.domain.transactions import outside_transaction
from survey_app.extensions import db
from survey_app.models import Area

POSTGRESQL_ONLY = "SQLite keeps its transactions (survey_app/domain/transactions.py)"


def _areas_seen_elsewhere(name: str) -> int:
    """Areas of that name as another connection sees them: only what is committed."""
    with db.engine.connect() as other:
        return int(
            other.execute(
                sa.select(sa.func.count()).select_from(Area).where(Area.name == name)
            ).scalar_one()
        )


def test_a_statement_in_the_block_is_committed_on_its_own_and_the_session_is_left_free(
    app: Flask,
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip(POSTGRESQL_ONLY)
    db.session.rollback()
    with outside_transaction() as connection:
        connection.execute(sa.insert(Area).values(name="Utanför"))
        # Seen from another connection before anything is committed: no transaction holds it.
        assert _areas_seen_elsewhere("Utanför") == 1
    assert not db.session().in_transaction()
    # The session's next statement gets a connection in a transaction of its own.
    db.session.execute(sa.insert(Area).values(name="Inuti"))
    assert _areas_seen_elsewhere("Inuti") == 0
    db.session.rollback()
    assert _areas_seen_elsewhere("Inuti") == 0


def test_changes_waiting_in_the_session_are_not_committed_by_the_block(app: Flask) -> None:
    db.session.rollback()
    db.session.add(Area(name="Väntar"))
    with outside_transaction() as connection:
        connection.execute(sa.select(1))
    db.session.rollback()
    assert _areas_seen_elsewhere("Väntar") == 0


def test_inside_a_begun_transaction_the_block_uses_it(app: Flask) -> None:
    db.session.execute(sa.insert(Area).values(name="Påbörjad"))
    with outside_transaction() as connection:
        connection.execute(sa.insert(Area).values(name="Samma"))
    assert db.session().in_transaction()
    db.session.rollback()
    assert _areas_seen_elsewhere("Påbörjad") == 0
    assert _areas_seen_elsewhere("Samma") == 0


@contextmanager
def _own_app_context_on_postgresql(app_factory: Callable[..., Flask]) -> Iterator[Engine]:
    """An app context of its own (not the `app` fixture's, which outlives requests); skips
    on SQLite."""
    with app_factory().app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            pytest.skip(POSTGRESQL_ONLY)
        yield engine


def test_blocks_of_one_app_context_share_one_connection_handed_back_when_it_ends(
    app_factory: Callable[..., Flask],
) -> None:
    with _own_app_context_on_postgresql(app_factory) as engine:
        with outside_transaction() as first:
            first.execute(sa.select(1))
        with outside_transaction() as second:
            second.execute(sa.select(1))
        assert first is second
        assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_after_a_failed_statement_the_next_block_starts_on_a_connection_that_works(
    app_factory: Callable[..., Flask],
) -> None:
    with _own_app_context_on_postgresql(app_factory) as engine:
        with pytest.raises(sa.exc.DataError), outside_transaction() as failed:
            failed.execute(sa.text("SELECT 1 / 0"))
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        with outside_transaction() as next_one:
            assert next_one is not failed
            next_one.execute(sa.insert(Area).values(name="Efter felet"))
        assert _areas_seen_elsewhere("Efter felet") == 1


def test_a_family_request_hands_its_connection_back(app_factory: Callable[..., Flask]) -> None:
    application = app_factory()
    with application.app_context():
        engine = db.engine
    # No app context of the test's around the request: the request's own ends with it.
    response = application.test_client().get("/s/" + "A" * 22)
    assert response.status_code == 404
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_request_inside_a_longer_app_context_hands_its_connection_back_when_it_ends(
    app: Flask, client: FlaskClient
) -> None:
    # As gunicorn's master warms up (survey_app/ops/warm_up.py) and tests serve requests:
    # the app context outlives the request, and the engine may be disposed before it ends.
    if db.engine.dialect.name != "postgresql":
        pytest.skip(POSTGRESQL_ONLY)  # (SQLite's session keeps its connection, as it did)
    db.session.remove()
    assert client.get("/s/" + "A" * 22).status_code == 404
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
