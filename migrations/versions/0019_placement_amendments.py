"""placement amendments: a running placement's new terms, signed by the parties before they apply

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

STATUSES = ("pending", "applied", "withdrawn", "refused")


def upgrade() -> None:
    op.create_table(
        "placement_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="amendment_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("old_end_date", sa.Date(), nullable=False),
        sa.Column("new_end_date", sa.Date(), nullable=False),
        sa.Column("new_months", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("previous_version_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refusal", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_placement_amendment_placement_id_placement"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_version.id"],
            name=op.f("fk_placement_amendment_version_id_document_version"),
        ),
        sa.ForeignKeyConstraint(
            ["previous_version_id"],
            ["document_version.id"],
            name=op.f("fk_placement_amendment_previous_version_id_document_version"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_placement_amendment_proposed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_placement_amendment_decided_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_amendment")),
    )
    op.create_index(
        op.f("ix_placement_amendment_placement_id"),
        "placement_amendment",
        ["placement_id"],
        unique=False,
    )
    op.create_index(
        "uq_placement_amendment_pending",
        "placement_amendment",
        ["placement_id"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("uq_placement_amendment_pending", table_name="placement_amendment")
    op.drop_index(op.f("ix_placement_amendment_placement_id"), table_name="placement_amendment")
    op.drop_table("placement_amendment")
