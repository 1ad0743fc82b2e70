"""awards paid to an organisation: an enterprise nominates itself (no person), its award

Revision ID: 0034
Revises: 0030
Create Date: 2026-12-04 14:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nomination") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch.create_index(
            "uq_nomination_round_organisation",
            ["round_id", "employer_id"],
            unique=True,
            sqlite_where=sa.text("person_id IS NULL"),
            postgresql_where=sa.text("person_id IS NULL"),
        )
    with op.batch_alter_table("award") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("enterprise_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_award_enterprise_id_enterprise"), "enterprise", ["enterprise_id"], ["id"]
        )
        batch.create_unique_constraint(
            op.f("uq_award_round_id_enterprise_id"), ["round_id", "enterprise_id"]
        )
        batch.create_check_constraint(
            op.f("ck_award_one_awardee"), "(person_id IS NULL) <> (enterprise_id IS NULL)"
        )


def downgrade() -> None:
    # The old schema has no organisation's award: those rows go (their claims keep their data).
    op.execute("DELETE FROM award WHERE person_id IS NULL")
    op.execute("DELETE FROM nomination WHERE person_id IS NULL")
    with op.batch_alter_table("award") as batch:
        batch.drop_constraint(op.f("ck_award_one_awardee"), type_="check")
        batch.drop_constraint(op.f("uq_award_round_id_enterprise_id"), type_="unique")
        batch.drop_constraint(op.f("fk_award_enterprise_id_enterprise"), type_="foreignkey")
        batch.drop_column("enterprise_id")
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("nomination") as batch:
        batch.drop_index("uq_nomination_round_organisation")
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
