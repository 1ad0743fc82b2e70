"""API clients with scoped keys, and the idempotency records of their POSTs

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-04 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN school_id IS NOT NULL THEN 1 ELSE 0 END)"
            " + (CASE WHEN enterprise_id IS NOT NULL THEN 1 ELSE 0 END)"
            " + (CASE WHEN region_id IS NOT NULL THEN 1 ELSE 0 END) = 1",
            name=op.f("ck_api_client_one_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_api_client_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_api_client_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_api_client_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["user_account.id"],
            name=op.f("fk_api_client_revoked_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_api_client_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_client_key_hash")),
    )
    with op.batch_alter_table("api_client") as batch:
        batch.create_index(batch.f("ix_api_client_enterprise_id"), ["enterprise_id"])
        batch.create_index(batch.f("ix_api_client_region_id"), ["region_id"])
        batch.create_index(batch.f("ix_api_client_school_id"), ["school_id"])
    op.create_table(
        "api_idempotency_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_client.id"],
            name=op.f("fk_api_idempotency_record_client_id_api_client"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotency_record")),
        sa.UniqueConstraint(
            "client_id", "key", name=op.f("uq_api_idempotency_record_client_id_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("api_idempotency_record")
    with op.batch_alter_table("api_client") as batch:
        batch.drop_index(batch.f("ix_api_client_school_id"))
        batch.drop_index(batch.f("ix_api_client_region_id"))
        batch.drop_index(batch.f("ix_api_client_enterprise_id"))
    op.drop_table("api_client")
