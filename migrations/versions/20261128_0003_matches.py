"""Matches (撮合记录) and their events (撮合事件): proposals followed through placement and retention.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:46:13.624587
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("probability", sa.Double(), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("stage_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declined_reason", sa.Text(), nullable=True),
        sa.Column("hired_on", sa.Date(), nullable=True),
        sa.Column("wage", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("separated_on", sa.Date(), nullable=True),
        sa.Column("separation_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.ForeignKeyConstraint(["posting_id"], ["posting.id"], name=op.f("fk_match_posting_id_posting")),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], name=op.f("fk_match_worker_id_worker")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match")),
    )
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_posting_id"), ["posting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_proposed_at"), ["proposed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_stage"), ["stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_worker_id"), ["worker_id"], unique=False)
        batch_op.create_index("ix_match_worker_posting", ["worker_id", "posting_id"], unique=False)

    op.create_table(
        "match_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["match_id"], ["match.id"], name=op.f("fk_match_event_match_id_match"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_event")),
    )
    with op.batch_alter_table("match_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_event_match_id"), ["match_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("match_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_event_match_id"))

    op.drop_table("match_event")
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_index("ix_match_worker_posting")
        batch_op.drop_index(batch_op.f("ix_match_worker_id"))
        batch_op.drop_index(batch_op.f("ix_match_stage"))
        batch_op.drop_index(batch_op.f("ix_match_proposed_at"))
        batch_op.drop_index(batch_op.f("ix_match_posting_id"))

    op.drop_table("match")
