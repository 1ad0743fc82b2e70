"""Cooperation proposals can be declined by the side that did not propose, with a reason.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OLD_STATUSES = ("proposed", "accepted", "filed", "approved", "rejected", "terminated", "expired")
NEW_STATUSES = (*OLD_STATUSES, "declined")


def _status_type(statuses: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*statuses, name="agreement_status", native_enum=False, create_constraint=True)


def upgrade() -> None:
    with op.batch_alter_table("cooperation_agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("declined_reason", sa.Text(), nullable=True))
        batch_op.alter_column(
            "status",
            existing_type=_status_type(OLD_STATUSES),
            type_=_status_type(NEW_STATUSES),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            op.f("ck_cooperation_agreement_decline_has_reason"),
            "status <> 'declined' OR declined_reason IS NOT NULL",
        )


def downgrade() -> None:
    # A declined proposal has no state before this revision: it goes back to being withdrawn
    # from the record, as a terminated one with its reason.
    op.execute(
        "UPDATE cooperation_agreement SET status = 'terminated',"
        " termination_reason = declined_reason, terminated_at = declined_at"
        " WHERE status = 'declined'"
    )
    with op.batch_alter_table("cooperation_agreement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cooperation_agreement_decline_has_reason"), type_="check")
        batch_op.alter_column(
            "status",
            existing_type=_status_type(NEW_STATUSES),
            type_=_status_type(OLD_STATUSES),
            existing_nullable=False,
        )
        batch_op.drop_column("declined_reason")
        batch_op.drop_column("declined_at")
