"""An index of invitations by the guardian invitation a child's link was handed over to.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Every family page reads whether a child's link was handed over to the visit's phone
    # (survey_app/respond/visit.py); without an index that read every invitation of the
    # database, on every page.
    op.create_index("ix_invitations_handover_from_id", "invitations", ["handover_from_id"])


def downgrade():
    op.drop_index("ix_invitations_handover_from_id", table_name="invitations")
