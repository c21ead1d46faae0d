"""The placement pipeline (issue 6): corrections of match events reference the event they correct, and
household alerts (防返贫风险提示) for households with labour and no one employed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_match_event_corrects_id_match_event"), "match_event", ["corrects_id"], ["id"]
        )
    op.create_table(
        "household_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=True),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by", sa.String(length=64), nullable=True),
        sa.Column("cleared_by_match_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cleared_by_match_id"], ["match.id"], name=op.f("fk_household_alert_cleared_by_match_id_match")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_household_alert_household_id_household")
        ),
        sa.ForeignKeyConstraint(["match_id"], ["match.id"], name=op.f("fk_household_alert_match_id_match")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["settlement_site.id"], name=op.f("fk_household_alert_site_id_settlement_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_alert")),
    )
    with op.batch_alter_table("household_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_alert_household_id"), ["household_id"], unique=False)
        batch_op.create_index("ix_household_alert_site_open", ["site_id", "cleared_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("household_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_household_alert_site_open")
        batch_op.drop_index(batch_op.f("ix_household_alert_household_id"))
    op.drop_table("household_alert")
    with op.batch_alter_table("match_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_match_event_corrects_id_match_event"), type_="foreignkey")
        batch_op.drop_column("corrects_id")
