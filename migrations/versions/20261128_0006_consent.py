"""Consent (同意): when a worker agreed to be put forward to an employer (match.agreed_at), and when a worker
withdrew consent to being recommended at all (worker.consent_withdrawn_at).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 16:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_column("consent_withdrawn_at")
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_column("agreed_at")
