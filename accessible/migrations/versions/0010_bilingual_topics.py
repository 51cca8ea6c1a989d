"""A topic, its options and its decision written in both languages (one topic, one tally)

Revision ID: 0010_bilingual
Revises: 0009_kiosk
Create Date: 2026-12-05 12:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_bilingual"
down_revision = "0009_kiosk"
branch_labels = None
depends_on = None

TABLES = ("topic", "option", "outcome")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("translations", sa.JSON(), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("translations")
