"""Database engine set-up: SQLite pragmas for durability, PostgreSQL connection options, and a
start-up check that turns an unreachable database into one clear line instead of a traceback."""

from __future__ import annotations

import time
from typing import Any, cast

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError

from survey_app.config import ConfigurationError
from survey_app.domain.transactions import init_transactions
from survey_app.extensions import db
from survey_app.ops.migrations import register_commands

#: Seconds to wait for a database connection before giving up with a message.
CONNECT_TIMEOUT = 10
#: A pooled connection used this recently is taken as alive without a ping (as HikariCP's
#: aliveBypassWindowMs). SQLAlchemy's pool_pre_ping checks every checkout, which doubled the
#: round trips of a family page on PostgreSQL (6 instead of 3); under load a connection is
#: reused within milliseconds, and one that sat idle (across a server restart) is still checked.
PING_AFTER_IDLE_SECONDS = 0.5


class DatabaseUnavailable(ConfigurationError):
    """The configured database cannot be reached or opened."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while one writer commits; FULL makes an acknowledged submit
    # survive a power cut; the busy timeout makes concurrent writers wait instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows (phone numbers, drafts, sealed answers) are overwritten with zeros, not
    # left in free pages of the file (PRIVACY.md).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _engine_options(app: Flask, url: str) -> dict[str, Any]:
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    if url.startswith("sqlite"):
        connect_args.setdefault("timeout", CONNECT_TIMEOUT)
    elif url.startswith("postgresql"):
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT)
    options["connect_args"] = connect_args
    # A failing statement's error (logged, and shown in tracebacks) never carries its
    # parameters: they can be a phone number or a family's free text.
    options.setdefault("hide_parameters", True)
    return options


def ping_idle_connections(engine: Engine) -> None:
    """Check a pooled connection before use when it has been idle: a restarted database server
    leaves dead connections in the pool, and the pool replaces one that fails the ping."""

    @event.listens_for(engine, "connect")
    def fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info["last_used"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["last_used"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last_used = record.info.get("last_used")
        if last_used is not None and time.monotonic() - last_used < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            if engine.dialect.is_disconnect(cast(Any, error), dbapi_connection, None):
                # The pool drops this connection and checks out another (a new one).
                raise DisconnectionError(str(error)) from error
            raise
        record.info["last_used"] = time.monotonic()


def describe_database(url: str) -> str:
    """The database URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def check_database(app: Flask) -> None:
    """Connect once; raise DatabaseUnavailable with a one-line reason if that fails."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        engine: Engine = db.engine
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            raise DatabaseUnavailable(
                f"cannot reach the database {describe_database(url)}: "
                f"{reason[0] if reason else type(error).__name__}. "
                "Check SURVEY_DATABASE_URL and that the database server is running."
            ) from None
        finally:
            # Never hand a connection opened here to forked workers (gunicorn preloads the app).
            engine.dispose()


def init_db(app: Flask) -> None:
    from survey_app import models  # noqa: F401  (registers the tables on the metadata)

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app, url)
    db.init_app(app)
    init_transactions(app)
    register_commands(app)
    with app.app_context():
        engine: Engine = db.engine
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
        elif url.startswith("postgresql"):
            ping_idle_connections(engine)
    # Tests build many apps on databases they just created; everything else checks at start.
    if app.config.get("SURVEY_CHECK_DATABASE", not app.config["TESTING"]):
        check_database(app)
