"""The language a member of staff or a family member chose for their pages (follows them to any device)

Revision ID: 0010_welshstaff
Revises: 0010_bilingual
Create Date: 2026-12-05 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_welshstaff"
down_revision = "0010_bilingual"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("language", sa.String(5), nullable=True))


def downgrade():
    with op.batch_alter_table("person") as batch:
        batch.drop_column("language")
