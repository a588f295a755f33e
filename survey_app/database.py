"""Database engine set-up: SQLite pragmas for durability, PostgreSQL connection options, and a
start-up check that turns an unreachable database into one clear line instead of a traceback."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from .config import ConfigurationError
from .extensions import db, migrate

MIGRATIONS_DIRECTORY = "migrations"
#: Seconds to wait for a database connection before giving up with a message.
CONNECT_TIMEOUT = 10


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
    cursor.close()


def _engine_options(app: Flask, url: str) -> dict[str, Any]:
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    if url.startswith("sqlite"):
        connect_args.setdefault("timeout", CONNECT_TIMEOUT)
    elif url.startswith("postgresql"):
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT)
        # A restarted database server leaves dead connections in the pool: test before use.
        options.setdefault("pool_pre_ping", True)
    options["connect_args"] = connect_args
    return options


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
    from . import models  # noqa: F401  (registers the tables on the metadata)

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app, url)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/" + MIGRATIONS_DIRECTORY),
        render_as_batch=True,
        compare_type=True,
    )
    if url.startswith("sqlite"):
        with app.app_context():
            engine: Engine = db.engine
            event.listen(engine, "connect", _sqlite_pragmas)
    # Tests build many apps on databases they just created; everything else checks at start.
    if app.config.get("SURVEY_CHECK_DATABASE", not app.config["TESTING"]):
        check_database(app)
