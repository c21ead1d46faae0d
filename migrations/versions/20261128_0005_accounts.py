"""Accounts (账号) with roles, and their scopes: a broker's sites, an administrator's counties.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 15:09:14.238356
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("phone_mask", sa.String(length=24), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"], name=op.f("fk_account_employer_id_employer")),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], name=op.f("fk_account_worker_id_worker")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("phone_hash", name=op.f("uq_account_phone_hash")),
        sa.UniqueConstraint("username", name=op.f("uq_account_username")),
        sa.UniqueConstraint("worker_id", name=op.f("uq_account_worker_id")),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_role"), ["role"], unique=False)

    op.create_table(
        "account_county",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("county_adcode", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_account_county_account_id_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", "county_adcode", name=op.f("pk_account_county")),
    )
    op.create_table(
        "account_site",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_account_site_account_id_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["settlement_site.id"],
            name=op.f("fk_account_site_site_id_settlement_site"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "site_id", name=op.f("pk_account_site")),
    )


def downgrade() -> None:
    op.drop_table("account_site")
    op.drop_table("account_county")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_role"))
        batch_op.drop_index(batch_op.f("ix_account_employer_id"))

    op.drop_table("account")
