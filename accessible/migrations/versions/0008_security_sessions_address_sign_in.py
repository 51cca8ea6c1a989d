"""Family sessions that end on every phone, the server's public address, and wrong passwords counted in the database

Revision ID: 0008_security
Revises: 0007_daily
Create Date: 2026-12-05 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_security"
down_revision = "0007_daily"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("family_link") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "server_setting",
        sa.Column("name", sa.String(length=50), primary_key=True),
        sa.Column("value", sa.String(length=500), nullable=False),
    )
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_failure_key_at", "sign_in_failure", ["key", "at"])


def downgrade():
    op.drop_index("ix_sign_in_failure_key_at", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
    op.drop_table("server_setting")
    with op.batch_alter_table("family_link") as batch:
        batch.drop_column("session_version")
