"""figures snapshot: a region's grouped dashboard and supervision figures, kept between counts

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 17:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "figures_snapshot",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("board", sa.String(length=20), nullable=False),
        sa.Column("computed_for", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("refresh_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_figures_snapshot_region_id_region")
        ),
        sa.PrimaryKeyConstraint("region_id", "board", name=op.f("pk_figures_snapshot")),
    )


def downgrade() -> None:
    # The figures are counted again from the records on the next view: nothing is lost.
    op.drop_table("figures_snapshot")
