"""reference data the bureau keeps: occupations' English names and retirement, shortage grades,
yearly school and enterprise designations

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-03 20:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("occupation") as batch:
        batch.add_column(
            sa.Column("name_en", sa.String(length=120), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("shortage_listing") as batch:
        batch.add_column(
            sa.Column("grade", sa.String(length=20), server_default="", nullable=False)
        )
    op.create_table(
        "school_designation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("designated", sa.Boolean(), nullable=False),
        sa.Column("education_base", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_school_designation_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_designation")),
        sa.UniqueConstraint("school_id", "year", name=op.f("uq_school_designation_school_id_year")),
    )
    op.create_table(
        "enterprise_designation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("key_industry", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_enterprise_designation_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_designation")),
        sa.UniqueConstraint(
            "enterprise_id", "year", name=op.f("uq_enterprise_designation_enterprise_id_year")
        ),
    )


def downgrade() -> None:
    op.drop_table("enterprise_designation")
    op.drop_table("school_designation")
    with op.batch_alter_table("shortage_listing") as batch:
        batch.drop_column("grade")
    with op.batch_alter_table("occupation") as batch:
        batch.drop_column("retired")
        batch.drop_column("name_en")
