"""an award's claim records the year it pays for (awards paid over several years)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subsidy_claim") as batch:
        batch.add_column(sa.Column("pays_for_year", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subsidy_claim") as batch:
        batch.drop_column("pays_for_year")
