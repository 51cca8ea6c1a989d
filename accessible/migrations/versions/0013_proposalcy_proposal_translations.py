"""A decision proposed to a topic's co-owners written in both languages, like the decision itself (proposalcy)

Revision ID: 0013_proposalcy
Revises: 0010_kiosk2
Create Date: 2026-12-05 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_proposalcy"
down_revision = "0010_kiosk2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("decision_proposal") as batch:
        batch.add_column(sa.Column("translations", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("decision_proposal") as batch:
        batch.drop_column("translations")
