"""The test suite on PostgreSQL: one database per xdist worker, reset to "just migrated" per test.

Copying a file is how SQLite gets a fresh database per test; on PostgreSQL a new database per
test costs far more than emptying the tables, so each test instead ends with one transaction
that empties every table, puts back the reference rows the migrations wrote and rewinds the
id sequences, so ids are the same as on a fresh SQLite copy.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

#: Alembic's own bookkeeping: emptying it would make the schema look unmigrated.
KEPT_TABLES = frozenset({"alembic_version"})


def create_worker_database(server_url: str, worker: str) -> str:
    """A fresh, empty database named after the worker; returns its URL."""
    url = sa.engine.make_url(server_url)
    name = f"{url.database}_{worker}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        raise RuntimeError(
            f"SURVEY_TEST_DATABASE_URL: cannot reach PostgreSQL at {url.host}:{url.port} as "
            f'{url.username!r} (start one with `eval "$(.ci/postgres.sh start)"`): '
            f"{str(error.orig).strip().splitlines()[0]}"
        ) from None
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


class Resetter:
    """Brings a migrated database back to its just-migrated contents, quickly."""

    def __init__(self, url: str) -> None:
        # One long-lived connection: opening a new one per test would cost more than the reset.
        self.engine = sa.create_engine(url, pool_size=1, max_overflow=0)
        metadata = sa.MetaData()
        metadata.reflect(self.engine)
        self.tables = [t for t in metadata.sorted_tables if t.name not in KEPT_TABLES]
        #: The rows the migrations wrote (reference data), to put back after each test.
        self.rows: dict[str, list[dict[str, Any]]] = {}
        #: Every serial column's sequence, with the value it had just after migrating.
        self.sequences: list[tuple[str, int | None]] = []
        with self.engine.connect() as connection:
            for table in self.tables:
                rows = [dict(row._mapping) for row in connection.execute(sa.select(table))]
                if rows:
                    self.rows[table.name] = rows
                for column in table.columns:
                    sequence = connection.scalar(
                        sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                        {"table": table.name, "column": column.name},
                    )
                    if sequence:
                        highest = max((row[column.name] for row in rows), default=None)
                        self.sequences.append((sequence, highest))

        self.script = self._reset_script()

    def _reset_script(self) -> str:
        """The whole reset as one SQL script: one round trip per test instead of dozens."""
        statements: list[sa.ClauseElement] = [table.delete() for table in reversed(self.tables)]
        for table in self.tables:  # parents before children
            statements += [table.insert().values(**row) for row in self.rows.get(table.name, [])]
        for sequence, highest in self.sequences:
            rewind = sa.func.setval(sequence, highest or 1, highest is not None)
            statements.append(sa.select(rewind))
        compile_options = {"literal_binds": True}
        return ";\n".join(
            str(statement.compile(dialect=self.engine.dialect, compile_kwargs=compile_options))
            for statement in statements
        )

    def reset(self) -> None:
        # DELETE, not TRUNCATE: on tables of a few rows it is several times faster, because
        # TRUNCATE creates new files for every table and its indexes.
        with self.engine.begin() as connection:
            # A test that leaks an open transaction would otherwise make the reset wait forever.
            connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            connection.exec_driver_sql(self.script)

    def dispose(self) -> None:
        self.engine.dispose()
