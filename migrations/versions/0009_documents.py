"""documents: uploaded files' metadata and the reviewers' 补正 requests

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 07:25:11.801654
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "owner_type",
            sa.Enum(
                "enterprise",
                "school",
                "cooperation_agreement",
                "placement_agreement",
                "subsidy_claim",
                name="document_owner",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("original_filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(CASE WHEN enterprise_id IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN school_id IS NOT NULL THEN 1 ELSE 0 END) = 1",
            name=op.f("ck_document_one_quota_owner"),
        ),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_document_sha256_length")),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_document_size_positive")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_document_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_document_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_document_uploaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index("ix_document_owner", ["owner_type", "owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_document_retention_until"), ["retention_until"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_document_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_sha256"), ["sha256"], unique=False)

    op.create_table(
        "document_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "owner_type",
            sa.Enum(
                "enterprise",
                "school",
                "cooperation_agreement",
                "placement_agreement",
                "subsidy_claim",
                name="document_request_owner",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("fulfilled_by_document_id", sa.Integer(), nullable=True),
        sa.Column("fulfilled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(trim(reason)) > 0", name=op.f("ck_document_request_reason_given")
        ),
        sa.ForeignKeyConstraint(
            ["fulfilled_by_document_id"],
            ["document.id"],
            name=op.f("fk_document_request_fulfilled_by_document_id_document"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_document_request_requested_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_request")),
    )
    with op.batch_alter_table("document_request", schema=None) as batch_op:
        batch_op.create_index("ix_document_request_owner", ["owner_type", "owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document_request", schema=None) as batch_op:
        batch_op.drop_index("ix_document_request_owner")

    op.drop_table("document_request")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_sha256"))
        batch_op.drop_index(batch_op.f("ix_document_school_id"))
        batch_op.drop_index(batch_op.f("ix_document_retention_until"))
        batch_op.drop_index("ix_document_owner")
        batch_op.drop_index(batch_op.f("ix_document_enterprise_id"))

    op.drop_table("document")
