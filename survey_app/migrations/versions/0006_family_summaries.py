"""Summaries for families: what came of a window, per area, and what the teams will change.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "family_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_family_summaries_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_family_summaries_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_family_summaries_published_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_summaries")),
        sa.UniqueConstraint("campaign_id", "area_id", name=op.f("uq_family_summaries_campaign_id")),
    )
    with op.batch_alter_table("family_summaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_summaries_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_family_summaries_campaign_id"), ["campaign_id"], unique=False
        )
    op.create_table(
        "summary_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("report_back_on", sa.Date(), nullable=False),
        sa.CheckConstraint("length(text) <= 300", name=op.f("ck_summary_actions_text_length")),
        sa.ForeignKeyConstraint(
            ["summary_id"],
            ["family_summaries.id"],
            name=op.f("fk_summary_actions_summary_id_family_summaries"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_summary_actions_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_actions")),
        sa.UniqueConstraint("summary_id", "position", name=op.f("uq_summary_actions_summary_id")),
    )
    with op.batch_alter_table("summary_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_summary_actions_summary_id"), ["summary_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_summary_actions_team_id"), ["team_id"], unique=False)


def downgrade():
    with op.batch_alter_table("summary_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summary_actions_team_id"))
        batch_op.drop_index(batch_op.f("ix_summary_actions_summary_id"))
    op.drop_table("summary_actions")
    with op.batch_alter_table("family_summaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_summaries_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_family_summaries_area_id"))
    op.drop_table("family_summaries")
