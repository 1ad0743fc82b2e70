"""security: encrypted national IDs, invitation failure counter, four-eyes payments

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-02 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.add_column(sa.Column("national_id_encrypted", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("invitation_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_check_constraint(
            op.f("ck_student_invitation_failures_nonnegative"), "invitation_failures >= 0"
        )
    # The old mask kept the first 4 characters (the area code): keep only the last 4.
    op.execute(
        "UPDATE student SET national_id_masked = '**************' || "
        "substr(national_id_masked, 15, 4) WHERE length(national_id_masked) = 18"
    )
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_second_user", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_check_constraint(
            op.f("ck_subsidy_claim_second_user_pays"),
            "NOT needs_second_user OR paid_by_id IS NULL OR paid_by_id <> decided_by_id",
        )


def downgrade() -> None:
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_subsidy_claim_second_user_pays"), type_="check")
        batch_op.drop_column("needs_second_user")
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_student_invitation_failures_nonnegative"), type_="check")
        batch_op.drop_column("invitation_failures")
        batch_op.drop_column("national_id_encrypted")
