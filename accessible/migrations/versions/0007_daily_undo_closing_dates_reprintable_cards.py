"""Day to day: a stage move can be undone, topics get a closing date and can be archived, ideas merged, and
cards printed again reuse their family links, with a short code to type

Revision ID: 0007_daily
Revises: 0006
Create Date: 2026-12-05 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_daily"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("topic") as batch:
        batch.add_column(sa.Column("previous_stage", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("closes_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("option") as batch:
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_option_merged_into_id_option", "option", ["merged_into_id"], ["id"],
                                 ondelete="SET NULL")
    with op.batch_alter_table("family_link") as batch:
        batch.add_column(sa.Column("token_salt", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_family_link_code_hash", ["code_hash"])


def downgrade():
    with op.batch_alter_table("family_link") as batch:
        batch.drop_constraint("uq_family_link_code_hash", type_="unique")
        batch.drop_column("code_hash")
        batch.drop_column("token_salt")
    with op.batch_alter_table("option") as batch:
        batch.drop_constraint("fk_option_merged_into_id_option", type_="foreignkey")
        batch.drop_column("merged_into_id")
    with op.batch_alter_table("topic") as batch:
        batch.drop_column("archived_at")
        batch.drop_column("closes_on")
        batch.drop_column("previous_stage")
