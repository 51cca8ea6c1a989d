"""An option's picture in the other style (a photo beside a symbol), for residents who prefer photos or symbols

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("option") as batch:
        batch.add_column(sa.Column("second_picture", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("second_picture_alt", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("option") as batch:
        batch.drop_column("second_picture_alt")
        batch.drop_column("second_picture")
