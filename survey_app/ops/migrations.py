"""Schema migrations: Flask-Migrate (Alembic), loaded only by what migrates.

Alembic brings Mako and Pygments with it, about 11 MB resident in each process that imports
them, and a web worker never migrates. So the app registers `flask db` as a group that loads
Flask-Migrate when `flask db` is run, and code that migrates in-process (the tests, the
benchmarks) calls `upgrade()` here.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo

from survey_app.extensions import db

DIRECTORY = "migrations"


def enable(app: Flask) -> None:
    """Bind Flask-Migrate to the app, once: its commands and upgrade() look for it there."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(
        app,
        db,
        directory=f"{app.root_path}/{DIRECTORY}",
        render_as_batch=True,
        compare_type=True,
    )


def upgrade(revision: str = "head") -> None:
    """Migrate the current app's database to `revision`, as `flask db upgrade` does."""
    from flask import current_app
    from flask_migrate import upgrade as upgrade_to

    enable(current_app._get_current_object())  # type: ignore[attr-defined]
    upgrade_to(revision=revision)


class _MigrationCommands(click.Group):
    """`flask db …`: stands in for Flask-Migrate's own group, which is loaded and handed the
    command line (its options, subcommands and help) when `flask db` is run."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        from flask_migrate.cli import db as commands

        script = parent.ensure_object(ScriptInfo) if parent is not None else ScriptInfo()
        enable(script.load_app())
        return commands.make_context(info_name, args, parent=parent, **extra)


def register_commands(app: Flask) -> None:
    app.cli.add_command(_MigrationCommands("db", help="Database migrations (Flask-Migrate)."))
