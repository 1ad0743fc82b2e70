"""staff: invitations of staff into schools, enterprises and bureaus

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ROLES = ("school", "enterprise", "student", "bureau", "worker")
STAFF_ROLES = (
    "admin",
    "placement_officer",
    "teacher",
    "hr",
    "mentor",
    "officer",
    "reviewer",
    "finance",
    "self",
)
STAFF_ROLE_CHECK = (
    "(role = 'school' AND staff_role IN ('admin', 'placement_officer', 'teacher'))"
    " OR (role = 'enterprise' AND staff_role IN ('admin', 'hr', 'mentor'))"
    " OR (role = 'bureau' AND staff_role IN ('officer', 'reviewer', 'finance'))"
    " OR (role = 'student' AND staff_role IN ('self'))"
    " OR (role = 'worker' AND staff_role IN ('self'))"
)


def upgrade() -> None:
    op.create_table(
        "staff_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column(
            "role",
            sa.Enum(*ROLES, name="user_role", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "staff_role",
            sa.Enum(*STAFF_ROLES, name="staff_role", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by_user_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'school') = (school_id IS NOT NULL)"
            " AND (role = 'enterprise') = (enterprise_id IS NOT NULL)"
            " AND (role = 'bureau') = (region_id IS NOT NULL)"
            " AND role IN ('school', 'enterprise', 'bureau')",
            name=op.f("ck_staff_invitation_role_matches_tenant"),
        ),
        sa.CheckConstraint(
            STAFF_ROLE_CHECK, name=op.f("ck_staff_invitation_staff_role_matches_role")
        ),
        sa.CheckConstraint(
            "(accepted_at IS NULL) = (accepted_user_id IS NULL)",
            name=op.f("ck_staff_invitation_accepted_has_user"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_staff_invitation_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_staff_invitation_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_staff_invitation_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_staff_invitation_invited_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["accepted_user_id"],
            ["user_account.id"],
            name=op.f("fk_staff_invitation_accepted_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_invitation_token_hash")),
    )
    with op.batch_alter_table("staff_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_invitation_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_staff_invitation_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_staff_invitation_enterprise_id"), ["enterprise_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("staff_invitation")
