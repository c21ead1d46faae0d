"""Sign-in tokens (登录令牌) kept in the database as keyed hashes, so signed-in users stay signed in while
Redis is away (the cache holds a copy for speed).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 16:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_token",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_sign_in_token_account_id_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_sign_in_token")),
    )
    with op.batch_alter_table("sign_in_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_token_account_id"), ["account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_token_account_id"))
    op.drop_table("sign_in_token")
