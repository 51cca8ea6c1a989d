"""A resident's switch-scanning pace, part of their communication needs (kiosk)

Revision ID: 0007_kiosk
Revises: 0006
Create Date: 2026-12-05 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_kiosk"
down_revision = "0006"
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
