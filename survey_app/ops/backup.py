"""`flask backup`: a consistent copy of the live SQLite database, taken while the service runs.

SQLite's online backup API copies the database page by page from one read snapshot. In WAL
mode a reader never blocks writers, so families keep submitting while the copy is made, and
the copy holds exactly the transactions committed before the snapshot: never half of one.
PostgreSQL has its own tool for this (pg_dump); the command prints the recipe instead.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

PG_DUMP_RECIPE = """\
This service runs on PostgreSQL: back it up with pg_dump, which takes a consistent snapshot
while the service runs. As the database owner, for example nightly from cron or a systemd timer:

  pg_dump --format=custom --file=/var/backups/sip/sip-$(date +%F).dump "{url}"

Restore into an empty database (stop sip-web and sip-worker first):

  createdb sip_restored
  pg_restore --no-owner --dbname=sip_restored /var/backups/sip/sip-YYYY-MM-DD.dump

The dump holds phone numbers until the window closes: keep it as protected as the database
(chmod 600, encrypted storage), and delete old dumps on a schedule."""


class BackupError(click.ClickException):
    """A backup that could not be made, with the reason in one line."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    pages: int


def backup_sqlite(
    source: Path, destination: Path, *, on_snapshot: Callable[[], None] | None = None
) -> BackupResult:
    """Copy `source` to `destination` atomically; the copy is a self-contained file.

    `on_snapshot` runs after the read snapshot is fixed and before the copy is made (tests
    use it to write to the live database while the backup is in progress).
    """
    if not source.is_file():
        raise BackupError(f"there is no database file at {source}")
    destination = destination.resolve()
    if destination == source.resolve():
        raise BackupError("the backup file must not be the database file itself")
    if destination.is_dir():
        raise BackupError(f"{destination} is a directory: give a file name, e.g. --out sip.sqlite3")
    try:
        # Written next to the target and renamed: a crash never leaves half a backup under
        # the final name. Mode 600: the copy holds phone numbers until the window closes.
        handle, temporary_name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
        )
        os.close(handle)
    except OSError as error:
        raise BackupError(f"cannot write the backup to {destination}: {error.strerror}") from None
    temporary = Path(temporary_name)
    try:
        pages = _copy(source, temporary, on_snapshot)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, destination)
    except OSError as error:
        raise BackupError(f"cannot write the backup to {destination}: {error.strerror}") from None
    except sqlite3.Error as error:
        raise BackupError(f"the backup of {source} failed: {error}") from None
    finally:
        temporary.unlink(missing_ok=True)
    return BackupResult(destination, destination.stat().st_size, pages)


def _copy(source: Path, temporary: Path, on_snapshot: Callable[[], None] | None) -> int:
    live = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    copy = sqlite3.connect(temporary, isolation_level=None)
    try:
        live.execute("PRAGMA busy_timeout=10000")
        # Fix the snapshot first: everything committed before this line, nothing after.
        live.execute("BEGIN")
        live.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        if on_snapshot is not None:
            on_snapshot()
        # One step (pages=-1): copied from the snapshot above. Copying in several steps would
        # restart whenever the service commits in between, possibly forever on a busy day.
        live.backup(copy, pages=-1)
        live.execute("COMMIT")
        # A single file to store and restore: no -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy failed its integrity check: {verdict}")
        return int(copy.execute("PRAGMA page_count").fetchone()[0])
    finally:
        copy.close()
        live.close()


@click.command("backup")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the copy to (replaced if it exists).",
)
@with_appcontext
def backup_command(out: Path) -> None:
    """Copy the live database to a file, safely while the service runs (SQLite)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        shown = url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)
        raise BackupError(PG_DUMP_RECIPE.format(url=shown))
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: there is nothing on disk to back up")
    result = backup_sqlite(Path(url.database), out)
    click.echo(f"Backed up {result.pages} pages ({result.size} bytes) to {result.path}.")
