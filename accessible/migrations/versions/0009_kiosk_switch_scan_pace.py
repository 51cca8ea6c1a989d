"""A resident's switch-scanning pace, part of their communication needs (kiosk)

Revision ID: 0009_kiosk
Revises: 0008_security
Create Date: 2026-12-05 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_kiosk"
down_revision = "0008_security"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("communication_needs") as batch:
        batch.add_column(sa.Column("scan_seconds", sa.Float(), nullable=True))
        batch.create_check_constraint("ck_scan_seconds", "scan_seconds BETWEEN 0.5 AND 20")


def downgrade():
    with op.batch_alter_table("communication_needs") as batch:
        batch.drop_constraint("ck_scan_seconds", type_="check")
        batch.drop_column("scan_seconds")
