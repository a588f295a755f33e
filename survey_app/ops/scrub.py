"""After a window closes: make the database file forget what was deleted.

Deleting a row does not remove its bytes from disk by itself. On SQLite the connection runs
with `secure_delete` (deleted content is overwritten with zeros, see survey_app.ops.database),
and here the write-ahead log, which still holds the old pages with phone numbers and drafts,
is checkpointed into the database and truncated to nothing. On PostgreSQL the service runs a
plain VACUUM of the tables that held personal data (it needs no lock that would stop families
answering in other windows); what the operator must do beyond that (VACUUM FULL, WAL archive
and backup retention) is in PRIVACY.md.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import text

from survey_app.extensions import db

log = logging.getLogger(__name__)

#: Tables whose deleted rows held phone numbers, drafts, sealed answers or marks.
PERSONAL_TABLES = ("invitations", "drafts", "sealed_responses", "link_marks", "outbox_messages")
#: A reader in the middle of a query keeps the log from being truncated: try again a few times.
ATTEMPTS = 20
PAUSE_SECONDS = 0.25


def _truncate_sqlite_log() -> bool:
    with db.engine.connect() as connection:
        for _ in range(ATTEMPTS):
            busy, _pages, _done = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
            connection.commit()
            if busy == 0:
                return True
            time.sleep(PAUSE_SECONDS)
    return False


def _vacuum_postgresql() -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SET lock_timeout = '5s'"))
        for table in PERSONAL_TABLES:
            connection.execute(text(f"VACUUM {table}"))


def scrub_deleted_data() -> bool:
    """Best effort after the closing commit; False (and a warning in the log) if it could not
    be completed now — the close itself stands, and the next close or backup scrubs again."""
    dialect = db.engine.dialect.name
    try:
        if dialect == "sqlite":
            done = _truncate_sqlite_log()
        elif dialect == "postgresql":
            _vacuum_postgresql()
            done = True
        else:
            done = False
    except Exception:  # the data is already closed and committed; scrubbing can be repeated
        log.exception("scrubbing the database after closing a window failed")
        return False
    if not done:
        log.warning("the write-ahead log could not be truncated after closing (readers busy)")
    return done
