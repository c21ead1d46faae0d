"""Match-day plans (issue 7): a plan of proposals for a region, kept as a preview and then committed into the
pipeline, with its items (撮合日计划).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 18:31:25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_role", sa.String(length=16), nullable=False),
        sa.Column("region_adcode", sa.String(length=12), nullable=True),
        sa.Column("out_of_area", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("employer_ids", sa.JSON(), nullable=True),
        sa.Column("plan_day", sa.Date(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("per_place", sa.Integer(), nullable=False),
        sa.Column("per_worker", sa.Integer(), nullable=False),
        sa.Column("household_weight", sa.Double(), nullable=False),
        sa.Column("min_probability", sa.Double(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("committed_by", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_plan")),
    )
    with op.batch_alter_table("match_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_plan_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "match_plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Double(), nullable=False),
        sa.Column("covers_household", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("skipped", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_match_plan_item_household_id_household")
        ),
        sa.ForeignKeyConstraint(["match_id"], ["match.id"], name=op.f("fk_match_plan_item_match_id_match")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["match_plan.id"], name=op.f("fk_match_plan_item_plan_id_match_plan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["posting_id"], ["posting.id"], name=op.f("fk_match_plan_item_posting_id_posting")),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], name=op.f("fk_match_plan_item_worker_id_worker")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_plan_item")),
    )
    with op.batch_alter_table("match_plan_item", schema=None) as batch_op:
        batch_op.create_index("ix_match_plan_item_plan_worker", ["plan_id", "worker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_plan_item_posting_id"), ["posting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_plan_item_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("match_plan_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_plan_item_worker_id"))
        batch_op.drop_index(batch_op.f("ix_match_plan_item_posting_id"))
        batch_op.drop_index("ix_match_plan_item_plan_worker")

    op.drop_table("match_plan_item")
    with op.batch_alter_table("match_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_plan_region_adcode"))

    op.drop_table("match_plan")
