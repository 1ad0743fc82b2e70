"""workers: an account may log in with a phone number instead of an e-mail

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=True))
        batch_op.alter_column("email", existing_type=sa.String(length=120), nullable=True)
        batch_op.create_unique_constraint(op.f("uq_user_account_phone"), ["phone"])
        batch_op.create_check_constraint(
            op.f("ck_user_account_has_login"), "email IS NOT NULL OR phone IS NOT NULL"
        )


def downgrade() -> None:
    # Accounts that only a phone number logs in to have no place in the old schema.
    op.execute("DELETE FROM user_account WHERE email IS NULL")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_has_login"), type_="check")
        batch_op.drop_constraint(op.f("uq_user_account_phone"), type_="unique")
        batch_op.alter_column("email", existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_column("phone")
