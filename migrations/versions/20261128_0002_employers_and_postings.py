"""Employers (用人单位), postings (招聘岗位) and public-welfare posts (公益性岗位).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:15:01.804528
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "employer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("county_adcode", sa.String(length=12), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_employer_credit_code")),
    )
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employer_county_adcode"), ["county_adcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_employer_name"), ["name"], unique=False)

    op.create_table(
        "posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("occupation_code", sa.String(length=16), nullable=True),
        sa.Column("occupation_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("filled_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pay_min", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("pay_max", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("pay_period", sa.String(length=8), nullable=True),
        sa.Column("pay_notes", sa.JSON(), nullable=True),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("sex_required", sa.String(length=8), nullable=True),
        sa.Column("education_min", sa.String(length=16), nullable=True),
        sa.Column("certificates_required", sa.JSON(), nullable=False),
        sa.Column("certificates_preferred", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("experience_years", sa.Integer(), nullable=True),
        sa.Column("meals", sa.Boolean(), nullable=True),
        sa.Column("housing", sa.Boolean(), nullable=True),
        sa.Column("shift_pattern", sa.Text(), nullable=True),
        sa.Column("job_kind", sa.String(length=16), nullable=True),
        sa.Column("work_address", sa.Text(), nullable=True),
        sa.Column("work_adcode", sa.String(length=12), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("out_of_area", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("unsure", sa.JSON(), nullable=True),
        sa.Column("match_text", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_batch_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name=op.f("ck_posting_age_range")
        ),
        sa.CheckConstraint("filled_count >= 0", name=op.f("ck_posting_filled_not_negative")),
        sa.CheckConstraint(
            "headcount IS NULL OR filled_count <= headcount", name=op.f("ck_posting_filled_within_headcount")
        ),
        sa.CheckConstraint("headcount IS NULL OR headcount >= 1", name=op.f("ck_posting_headcount_positive")),
        sa.CheckConstraint(
            "pay_min IS NULL OR pay_max IS NULL OR pay_min <= pay_max", name=op.f("ck_posting_pay_range")
        ),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"], name=op.f("fk_posting_employer_id_employer")),
        sa.ForeignKeyConstraint(
            ["last_batch_id"], ["import_batch.id"], name=op.f("fk_posting_last_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["settlement_site.id"], name=op.f("fk_posting_site_id_settlement_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting")),
    )
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_occupation_code"), ["occupation_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_work_adcode"), ["work_adcode"], unique=False)

    op.create_table(
        "public_welfare_job",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=True),
        sa.Column("term_months", sa.Integer(), nullable=True),
        sa.Column("max_renewals", sa.Integer(), nullable=False),
        sa.Column("hire_age_min", sa.Integer(), nullable=False),
        sa.Column("hire_age_max", sa.Integer(), nullable=False),
        sa.Column("local_registration_required", sa.Boolean(), nullable=False),
        sa.Column("exclude_village_cadres", sa.Boolean(), nullable=False),
        sa.Column("photovoltaic_funded", sa.Boolean(), nullable=False),
        sa.Column("eligible_groups", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["posting.id"], name=op.f("fk_public_welfare_job_posting_id_posting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_public_welfare_job")),
    )


def downgrade() -> None:
    op.drop_table("public_welfare_job")
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_work_adcode"))
        batch_op.drop_index(batch_op.f("ix_posting_status"))
        batch_op.drop_index(batch_op.f("ix_posting_site_id"))
        batch_op.drop_index(batch_op.f("ix_posting_occupation_code"))
        batch_op.drop_index(batch_op.f("ix_posting_employer_id"))

    op.drop_table("posting")
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_name"))
        batch_op.drop_index(batch_op.f("ix_employer_county_adcode"))

    op.drop_table("employer")
