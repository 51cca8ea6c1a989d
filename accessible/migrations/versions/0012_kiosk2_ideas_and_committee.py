"""Residents' ideas from the kiosk (recordings, suggestions, wishes to talk) and co-owners agreeing a decision (kiosk2)

Revision ID: 0010_kiosk2
Revises: 0010_welshstaff
Create Date: 2026-12-05 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_kiosk2"
down_revision = "0010_welshstaff"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("option") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("recording", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("heard", sa.Text(), nullable=True))
        batch.drop_constraint("ck_status_valid", type_="check")
        batch.create_check_constraint("ck_status_valid", "status IN ('pending', 'accepted', 'hidden', 'suggested')")
    op.create_table(
        "outcome_agreed",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["outcome_id"], ["outcome.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("outcome_id", "person_id"),
    )
    op.create_table(
        "decision_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["option_id"], ["option.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("topic_id"),
    )
    op.create_table(
        "proposal_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("answer IN ('agree', 'disagree', 'talk')", name="ck_answer_valid"),
        sa.ForeignKeyConstraint(["proposal_id"], ["decision_proposal.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "person_id", name="uq_proposal_answer"),
    )
    op.create_table(
        "talk_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("about", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("about IN ('idea', 'decision')", name="ck_about_valid"),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["done_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_talk_request_topic_id", "talk_request", ["topic_id"])


def downgrade():
    op.drop_index("ix_talk_request_topic_id", table_name="talk_request")
    op.drop_table("talk_request")
    op.drop_table("proposal_answer")
    op.drop_table("decision_proposal")
    op.drop_table("outcome_agreed")
    with op.batch_alter_table("option") as batch:
        batch.drop_constraint("ck_status_valid", type_="check")
        batch.create_check_constraint("ck_status_valid", "status IN ('pending', 'accepted', 'hidden')")
        batch.drop_column("heard")
        batch.drop_column("recording")
        batch.drop_column("channel")

