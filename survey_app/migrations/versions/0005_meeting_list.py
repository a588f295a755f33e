"""Indexes for the staff meeting list: meetings by date, invitation SMS by state.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # A page of meetings (of one window, or of all), newest or oldest first, read from an
    # index in order instead of sorting every meeting.
    op.create_index(
        "ix_meetings_campaign_id_held_on", "meetings", ["campaign_id", "held_on", "id"]
    )
    op.create_index("ix_meetings_held_on", "meetings", ["held_on", "id"])
    # "Which meetings have an invitation SMS in state X" without reading the message rows.
    op.create_index(
        "ix_outbox_messages_kind_state", "outbox_messages", ["kind", "state", "invitation_id"]
    )


def downgrade():
    op.drop_index("ix_outbox_messages_kind_state", table_name="outbox_messages")
    op.drop_index("ix_meetings_held_on", table_name="meetings")
    op.drop_index("ix_meetings_campaign_id_held_on", table_name="meetings")
