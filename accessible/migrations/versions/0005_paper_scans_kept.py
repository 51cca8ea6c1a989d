"""Paper scans kept: the uploaded originals, each reading of a page, and what it recorded; blank forms' audience

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "paper_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("home_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("stored", sa.String(length=80), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["home_id"], ["home.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_paper_upload_home_id", "paper_upload", ["home_id"], unique=False)
    op.create_table(
        "paper_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_page_id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("page_number", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=True),
        sa.Column("read_by_id", sa.Integer(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["paper_page_id"], ["paper_page.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["upload_id"], ["paper_upload.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["respondent_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["read_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_paper_scan_paper_page_id", "paper_scan", ["paper_page_id"], unique=False)
    op.create_table(
        "paper_scan_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["scan_id"], ["paper_scan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_id"], ["paper_review.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_paper_scan_record_scan_id", "paper_scan_record", ["scan_id"], unique=False)
    with op.batch_alter_table("paper_page", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("paper_page", schema=None) as batch_op:
        batch_op.drop_column("audience")
    op.drop_index("ix_paper_scan_record_scan_id", table_name="paper_scan_record")
    op.drop_table("paper_scan_record")
    op.drop_index("ix_paper_scan_paper_page_id", table_name="paper_scan")
    op.drop_table("paper_scan")
    op.drop_index("ix_paper_upload_home_id", table_name="paper_upload")
    op.drop_table("paper_upload")
