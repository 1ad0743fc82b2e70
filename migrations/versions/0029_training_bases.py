"""training bases and master studios, yearly reviews, the claim's link

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 20:50:13
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_base",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "training_base",
                "skill_master_studio",
                "famous_teacher_studio",
                name="training_base_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("leader_person_id", sa.Integer(), nullable=False),
        sa.Column("occupation_count", sa.Integer(), nullable=False),
        sa.Column("site_m2", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("yearly_intake", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "applied",
                "recognised",
                name="training_base_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("recognised_on", sa.Date(), nullable=True),
        sa.Column("recognised_by_id", sa.Integer(), nullable=True),
        sa.Column("claim_note", sa.String(length=300), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'applied' OR (recognised_by_id IS NOT NULL AND recognised_on IS NOT NULL)",
            name=op.f("ck_training_base_recognition_recorded"),
        ),
        sa.CheckConstraint(
            "(CASE WHEN enterprise_id IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN school_id IS NOT NULL THEN 1 ELSE 0 END) = 1",
            name=op.f("ck_training_base_one_host"),
        ),
        sa.CheckConstraint(
            "site_m2 >= 0 AND capacity >= 0 AND yearly_intake >= 0 AND occupation_count >= 0",
            name=op.f("ck_training_base_figures_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_base_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_training_base_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["leader_person_id"],
            ["person.id"],
            name=op.f("fk_training_base_leader_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["recognised_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_base_recognised_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_training_base_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_training_base_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_base")),
    )
    with op.batch_alter_table("training_base", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_base_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_base_leader_person_id"), ["leader_person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_training_base_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_base_school_id"), ["school_id"], unique=False)

    op.create_table(
        "training_base_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_id"],
            ["training_base.id"],
            name=op.f("fk_training_base_review_base_id_training_base"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_base_review_reviewed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_base_review")),
        sa.UniqueConstraint("base_id", "year", name=op.f("uq_training_base_review_base_id_year")),
    )
    with op.batch_alter_table("training_base_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_base_review_base_id"), ["base_id"], unique=False
        )

    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("training_base_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_subsidy_claim_training_base_id"), ["training_base_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_subsidy_claim_training_base_id_training_base"),
            "training_base",
            ["training_base_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_subsidy_claim_training_base_id_training_base"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_subsidy_claim_training_base_id"))
        batch_op.drop_column("training_base_id")

    with op.batch_alter_table("training_base_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_base_review_base_id"))

    op.drop_table("training_base_review")
    with op.batch_alter_table("training_base", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_base_school_id"))
        batch_op.drop_index(batch_op.f("ix_training_base_region_id"))
        batch_op.drop_index(batch_op.f("ix_training_base_leader_person_id"))
        batch_op.drop_index(batch_op.f("ix_training_base_enterprise_id"))

    op.drop_table("training_base")
