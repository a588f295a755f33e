"""The family path's statements outside a transaction on PostgreSQL, where one is not needed.

psycopg sends BEGIN as a round trip of its own before a transaction's first statement, and
COMMIT or ROLLBACK as another after its last. A family page reads the visit (and the link, when
one is opened), then writes at most one statement (a page saved, a draft begun, an answer
stored: each written as one statement on PostgreSQL, survey_app.domain.answering). A statement
on its own is atomic and durable once answered, and under READ COMMITTED each statement of a
transaction sees its own snapshot anyway, so the transaction added two round trips and nothing
the path relies on. Under load each round trip is a worker put to sleep and woken again behind
the others on the same cores; a guardian's five requests made 27 of them, and make 10 now
(benchmarks/README.md).

Everything else (staff pages, the worker, the ORM writes of the rarer family pages) runs in
transactions as before, on the session's own connection: a statement of the session begins a
transaction there, whatever ran outside one.

The autocommit connection is checked out once per request (or app context) and handed back
when that ends: a family page uses it two or three times, and going through the session for each
(a session transaction begun and ended, the pool's checkout and checkin, the isolation level
set and restored) was a sixth of a question page's CPU on PostgreSQL (benchmarks/README.md).

SQLite is left as it was: it begins no transaction for a SELECT, and a write's transaction
there is its fsync, which one statement needs as much as several.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g
from sqlalchemy.engine import Connection

from survey_app.extensions import db

#: Where the request (or app context) keeps its autocommit connection (flask.g).
_HELD = "survey_autocommit_connection"


@contextmanager
def outside_transaction() -> Iterator[Connection]:
    """A connection for reads and single-statement writes, each committed on its own.

    On PostgreSQL, when the session holds no transaction yet, the request's autocommit
    connection (checked out on first use). Otherwise (SQLite, or a session that has begun a
    transaction, as a test that shares its session with the app has, or one with objects
    added) the session's own connection: its writes commit with the caller's commit.
    """
    session = db.session()
    # (Adding an object to the session begins its transaction too: what waits to be flushed
    # is never written by the commit that ends this block.)
    if db.engine.dialect.name != "postgresql" or session.in_transaction():
        yield session.connection()
        return
    connection = g.get(_HELD)
    if connection is None:
        connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        setattr(g, _HELD, connection)
    try:
        yield connection
    except BaseException:
        # Whatever failed (a lost server, a refused statement), the next block starts from a
        # connection the pool has checked.
        release_connection()
        raise


def end_begun_transaction(*, commit: bool = True) -> None:
    """Commit (or roll back) the session's transaction if a block ran in it: SQLite's, or a
    test's shared session. After a block outside a transaction there is nothing to end, and
    Session.commit() would begin a session transaction only to end it again."""
    session = db.session()
    if session.in_transaction():
        if commit:
            session.commit()
        else:
            session.rollback()


def release_connection(_error: BaseException | None = None) -> None:
    """Hand the autocommit connection back to the pool when the request or app context ends.
    Nothing is left to commit: each of its statements committed on its own."""
    connection = g.pop(_HELD, None)
    if connection is not None:
        connection.close()


def init_transactions(app: Flask) -> None:
    # A request served inside an app context that outlives it (gunicorn's master warming up
    # inside one, a test) hands its connection back too: the engine may be disposed before
    # that context ends, and a connection checked out then is never closed, only dropped.
    app.teardown_request(release_connection)
    app.teardown_appcontext(release_connection)


def is_postgresql() -> bool:
    return bool(db.engine.dialect.name == "postgresql")
