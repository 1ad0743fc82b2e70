"""match runs store their arrays; explanations are computed from them, not stored per student

Revision ID: 0004
Revises: 0001
Create Date: 2026-12-02 16:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_run_arrays",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["match_run.id"],
            name=op.f("fk_match_run_arrays_run_id_match_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_match_run_arrays")),
    )
    # Runs stored before this revision keep their outcomes, but lose the explanations that
    # were copied into each row; their pages show the outcome and the slot.
    with op.batch_alter_table("match_outcome", schema=None) as batch_op:
        batch_op.drop_column("explanation")
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_column("explanation")


def downgrade() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("explanation", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("match_outcome", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("explanation", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    op.drop_table("match_run_arrays")
