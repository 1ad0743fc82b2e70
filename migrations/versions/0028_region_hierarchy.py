"""regions above cities: a region's level and parent; an upper region may have no policy pack

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

LEVELS = ("province", "autonomous_region", "prefecture", "city", "district")


def upgrade() -> None:
    with op.batch_alter_table("region", schema=None) as batch_op:
        # Every region before this one was a city or district with its own pack.
        batch_op.add_column(
            sa.Column(
                "level",
                sa.Enum(*LEVELS, name="region_level", native_enum=False, create_constraint=True),
                nullable=False,
                server_default="city",
            )
        )
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.alter_column("policy_pack", existing_type=sa.String(length=40), nullable=True)
        batch_op.create_index(batch_op.f("ix_region_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_region_parent_id_region"),
            "region",
            ["parent_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_region_not_own_parent"), "parent_id IS NULL OR parent_id <> id"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_region_pack_or_upper_level"),
            "policy_pack IS NOT NULL OR level IN ('province', 'autonomous_region', 'prefecture')",
        )
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.alter_column("level", server_default=None)


def downgrade() -> None:
    # The old schema knows no upper level: an upper region without a pack of its own takes its
    # first city's, so that its bureau accounts keep a region they may log in to.
    op.execute(
        "UPDATE region SET policy_pack = (SELECT MIN(child.policy_pack) FROM region child"
        " WHERE child.parent_id = region.id) WHERE policy_pack IS NULL"
    )
    orphans = op.get_bind().scalar(sa.text("SELECT COUNT(*) FROM region WHERE policy_pack IS NULL"))
    if orphans:
        raise RuntimeError(
            f"{orphans} upper regions have no pack and no city below: give each a pack first"
        )
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_region_pack_or_upper_level"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_region_not_own_parent"), type_="check")
        # The level column's own CHECK (its enum's values) would outlive the column on SQLite.
        batch_op.drop_constraint(batch_op.f("ck_region_region_level"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_region_parent_id_region"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_region_parent_id"))
        batch_op.alter_column("policy_pack", existing_type=sa.String(length=40), nullable=False)
        batch_op.drop_column("parent_id")
        batch_op.drop_column("level")
