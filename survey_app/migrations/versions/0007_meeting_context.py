"""The meeting's context in the release: whether the child took part, and services as counts.

Responses and released cells get a sixth group attribute, child_attended. A window released
before this has no such value for its answers: its responses get "*" (generalised), and each
of its released cells is written once per value an invitation's meeting can have, each released
as "*", so that the invitations of a closed window still find their released class. The
per-service counts of a closed window cannot be worked out afterwards (its answers carry no
services), so such a window has none.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ATTENDANCE = ("yes", "partly", "no")
GENERALISED = "*"
_FINE = ("age_band", "area", "municipality", "language_group")
_RELEASED = tuple(f"released_{name}" for name in _FINE)
_LENGTHS = {"age_band": 8, "area": 80, "municipality": 80, "language_group": 8}


def _role() -> sa.Column[str]:
    """A role column as the model declares it (an enum kept by a CHECK constraint)."""
    return sa.Column(
        "role",
        sa.Enum(
            "guardian",
            "child",
            "youth",
            name="role",
            native_enum=False,
            create_constraint=True,
            length=16,
        ),
        nullable=False,
    )


def _released_cells(with_attendance: bool) -> None:
    attendance = ["child_attended"] if with_attendance else []
    op.create_table(
        "released_cells",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        _role(),
        *(sa.Column(name, sa.String(length=_LENGTHS[name]), nullable=False) for name in _FINE),
        *(sa.Column(name, sa.String(length=8), nullable=False) for name in attendance),
        *(
            sa.Column(f"released_{name}", sa.String(length=_LENGTHS[name]), nullable=False)
            for name in _FINE
        ),
        *(sa.Column(f"released_{name}", sa.String(length=8), nullable=False) for name in attendance),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_released_cells_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "role", *_FINE, *attendance, name=op.f("pk_released_cells")
        ),
        sqlite_with_rowid=False,
    )


def _columns(with_attendance: bool) -> list[str]:
    names = ["campaign_id", "role", *_FINE, *_RELEASED]
    return names + (["child_attended", "released_child_attended"] if with_attendance else [])


def _rebuild_released_cells(
    with_attendance: bool, rows: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
) -> None:
    """Recreate released_cells with or without attendance, its rows made from the old ones."""
    connection = op.get_bind()
    old = [
        dict(row._mapping)
        for row in connection.execute(
            sa.text(f"SELECT {', '.join(_columns(False))} FROM released_cells")
        )
    ]
    op.drop_table("released_cells")
    _released_cells(with_attendance)
    new = rows(old)
    if new:
        names = _columns(with_attendance)
        connection.execute(
            sa.text(
                f"INSERT INTO released_cells ({', '.join(names)}) "
                f"VALUES ({', '.join(':' + name for name in names)})"
            ),
            new,
        )


def _one_per_attendance(old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**row, "child_attended": value, "released_child_attended": GENERALISED}
        for row in old
        for value in ATTENDANCE
    ]


def _most_generalised_copy(old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Back to one row per five-attribute cell. A window released before 0007 has copies that
    # say the same; one released after may have released them differently: keep the most
    # generalised copy, which is the safe one.
    unique: dict[tuple[object, ...], dict[str, Any]] = {}
    for row in sorted(old, key=lambda r: sum(r[name] == GENERALISED for name in _RELEASED)):
        unique[tuple(row[name] for name in ("campaign_id", "role", *_FINE))] = row
    return list(unique.values())


def upgrade() -> None:
    _rebuild_released_cells(True, _one_per_attendance)

    with op.batch_alter_table("responses", table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.add_column(
            sa.Column(
                "child_attended", sa.String(length=8), nullable=False, server_default=GENERALISED
            )
        )
        batch_op.create_check_constraint(
            "known_child_attended", "child_attended IN ('yes', 'partly', 'no', '*')"
        )
    # Released rows are written with every value; the default was only for the rows above.
    with op.batch_alter_table("responses", table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.alter_column(
            "child_attended",
            existing_type=sa.String(length=8),
            existing_nullable=False,
            server_default=None,
        )

    op.create_table(
        "released_service_counts",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        _role(),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "completed >= 0 AND completed <= invited",
            name=op.f("ck_released_service_counts_completed_of_invited"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_released_service_counts_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "role", "service", name=op.f("pk_released_service_counts")
        ),
    )


def downgrade() -> None:
    op.drop_table("released_service_counts")
    with op.batch_alter_table("responses", table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_responses_known_child_attended"), type_="check")
        batch_op.drop_column("child_attended")
    _rebuild_released_cells(False, _most_generalised_copy)
