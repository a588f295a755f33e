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
transactions as before: the connection used here is handed back to the pool when the block
ends, so a later statement of the same request begins a transaction of its own.

SQLite is left as it was: it begins no transaction for a SELECT, and a write's transaction
there is its fsync, which one statement needs as much as several.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from survey_app.extensions import db


@contextmanager
def outside_transaction() -> Iterator[Connection]:
    """A connection for reads and single-statement writes, each committed on its own.

    On PostgreSQL, when the session holds no transaction yet, an autocommit connection that is
    handed back when the block ends. Otherwise (SQLite, or a session that has begun a
    transaction, as a test that shares its session with the app has, or one with objects
    added) the session's own connection: its writes commit with the caller's commit.
    """
    session = db.session()
    # (Adding an object to the session begins its transaction too: what waits to be flushed
    # is never written by the commit that ends this block.)
    if db.engine.dialect.name != "postgresql" or session.in_transaction():
        yield session.connection()
        return
    connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    # Neither ends anything in the database (there is no transaction: no round trip); both
    # return the connection to the pool with its isolation level restored.
    try:
        yield connection
    except BaseException:
        session.rollback()
        raise
    session.commit()


def is_postgresql() -> bool:
    return bool(db.engine.dialect.name == "postgresql")
