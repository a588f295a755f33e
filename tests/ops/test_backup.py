"""`flask backup`: a consistent copy of the live SQLite database while families keep answering."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from survey_app import create_app
from survey_app.extensions import db
from survey_app.ops import migrations
from survey_app.ops.backup import BackupError, backup_command, backup_sqlite

CONFIG = {"SURVEY_ENV": "testing", "SECRET_KEY": "test", "RATELIMIT_ENABLED": False}


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file built by the migrations; these tests need SQLite on the PostgreSQL run too."""
    path = tmp_path_factory.mktemp("backup") / "template.sqlite3"
    app = create_app({**CONFIG, "SURVEY_DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        migrations.upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def live(migrated_sqlite: Path, tmp_path: Path) -> Path:
    path = tmp_path / "live.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")  # as the service runs it
        connection.execute("CREATE TABLE ledger (n INTEGER PRIMARY KEY, pair INTEGER NOT NULL)")
    return path


def _writer(path: Path) -> Callable[[int], None]:
    """Commits, like the service: each transaction writes a pair of rows (or neither)."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=10000")

    def write(n: int) -> None:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO ledger VALUES (?, ?)", (2 * n, n))
        connection.execute("INSERT INTO ledger VALUES (?, ?)", (2 * n + 1, n))
        connection.execute("COMMIT")

    return write


def _ledger(path: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT n, pair FROM ledger ORDER BY n").fetchall()


def test_writes_during_the_backup_succeed_and_stay_out_of_the_copy(live: Path, tmp_path: Path):
    write = _writer(live)
    for n in range(100):
        write(n)
    before = _ledger(live)

    # The service commits after the snapshot is fixed and before the copy is done: the
    # commits must not wait for the backup, and must not appear in the copy.
    def write_more() -> None:
        for n in range(100, 150):
            write(n)

    result = backup_sqlite(live, tmp_path / "copy.sqlite3", on_snapshot=write_more)

    assert _ledger(result.path) == before
    assert len(_ledger(live)) == 300
    with sqlite3.connect(result.path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT count(*) FROM teams").fetchone() == (15,)
    assert result.path.stat().st_mode & 0o077 == 0  # phone numbers: readable by owner only


def test_a_backup_under_a_steady_stream_of_commits_is_a_consistent_prefix(
    live: Path, tmp_path: Path
):
    write = _writer(live)
    # A few MB, so that copying takes a while.
    with sqlite3.connect(live) as connection:
        connection.execute("CREATE TABLE padding (blob BLOB)")
        connection.executemany("INSERT INTO padding VALUES (randomblob(4096))", [()] * 1000)
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        n = 0
        while not stop.is_set() and n < 20_000:
            write(n)
            written.append(n)
            n += 1

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        while not written:  # the stream is flowing before the backup starts
            threading.Event().wait(0.001)
        copies = [backup_sqlite(live, tmp_path / f"copy{i}.sqlite3") for i in range(3)]
    finally:
        stop.set()
        thread.join()

    for copy in copies:
        rows = _ledger(copy.path)
        # Whole transactions only, in commit order, none missing: rows 0 .. 2k-1 for some k.
        assert [n for n, _pair in rows] == list(range(len(rows)))
        assert all(n // 2 == pair for n, pair in rows)
        assert len(rows) % 2 == 0
        assert len(rows) // 2 <= len(written)


@pytest.fixture
def sqlite_app(live: Path) -> Iterator[Flask]:
    app = create_app({**CONFIG, "SURVEY_DATABASE_URL": f"sqlite:///{live}"})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_command_writes_the_copy_and_says_where(sqlite_app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "nightly.sqlite3"
    result = sqlite_app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    assert out.is_file()


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("missing-directory/backup.sqlite3", "cannot write the backup to"),
        (".", "is a directory"),
        ("live.sqlite3", "must not be the database file itself"),
    ],
)
def test_a_backup_that_cannot_be_written_says_why(
    sqlite_app: Flask, live: Path, out: str, message: str
) -> None:
    target = live.parent / out
    result = sqlite_app.test_cli_runner().invoke(backup_command, ["--out", str(target)])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(live.parent.glob("*.partial"))


def test_a_path_through_a_file_gives_a_message(sqlite_app: Flask, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "file").write_text("not a directory")
    result = sqlite_app.test_cli_runner().invoke(
        backup_command, ["--out", str(locked / "file" / "backup.sqlite3")]
    )
    assert result.exit_code != 0
    assert "cannot write the backup to" in result.output


def test_on_postgresql_the_command_gives_the_pg_dump_recipe() -> None:
    url = "postgresql+psycopg://sip:hemligt@db.example.se:5432/sip"
    app = create_app({**CONFIG, "SURVEY_DATABASE_URL": url})
    result = app.test_cli_runner().invoke(backup_command, ["--out", "ignored.sqlite3"])
    assert result.exit_code != 0
    assert "pg_dump --format=custom" in result.output
    assert "postgresql://sip:***@db.example.se:5432/sip" in result.output
    assert "hemligt" not in result.output


def test_a_missing_database_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="there is no database file"):
        backup_sqlite(tmp_path / "none.sqlite3", tmp_path / "copy.sqlite3")
