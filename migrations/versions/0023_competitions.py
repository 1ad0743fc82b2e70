"""competitions: the record, participants (persons, once each) with results, the claim's link

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 17:24:03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "competition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column(
            "organiser_kind",
            sa.Enum(
                "enterprise",
                "school",
                "bureau",
                name="competition_organiser_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=120), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="competition_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(organiser_kind = 'enterprise' AND enterprise_id IS NOT NULL AND school_id IS NULL) OR (organiser_kind = 'school' AND school_id IS NOT NULL AND enterprise_id IS NULL) OR (organiser_kind = 'bureau' AND enterprise_id IS NULL AND school_id IS NULL)",
            name=op.f("ck_competition_organiser_matches_kind"),
        ),
        sa.CheckConstraint(
            "status = 'open' OR (closed_by_id IS NOT NULL AND closed_at IS NOT NULL)",
            name=op.f("ck_competition_closure_recorded"),
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_competition_period_ordered")),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user_account.id"],
            name=op.f("fk_competition_closed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_competition_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_competition_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["occupation_id"],
            ["occupation.id"],
            name=op.f("fk_competition_occupation_id_occupation"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_competition_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_competition_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition")),
    )
    with op.batch_alter_table("competition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competition_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_competition_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_competition_school_id"), ["school_id"], unique=False)

    op.create_table(
        "competition_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("prize", sa.String(length=20), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rank IS NULL OR rank >= 1", name=op.f("ck_competition_participant_rank_positive")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_competition_participant_added_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competition.id"],
            name=op.f("fk_competition_participant_competition_id_competition"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_competition_participant_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_participant")),
        sa.UniqueConstraint(
            "competition_id",
            "person_id",
            name=op.f("uq_competition_participant_competition_id_person_id"),
        ),
    )
    with op.batch_alter_table("competition_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competition_participant_competition_id"),
            ["competition_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_competition_participant_person_id"), ["person_id"], unique=False
        )

    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("competition_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_subsidy_claim_competition_id"), ["competition_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_subsidy_claim_competition_id_competition"),
            "competition",
            ["competition_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_subsidy_claim_competition_id_competition"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_subsidy_claim_competition_id"))
        batch_op.drop_column("competition_id")

    with op.batch_alter_table("competition_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competition_participant_person_id"))
        batch_op.drop_index(batch_op.f("ix_competition_participant_competition_id"))

    op.drop_table("competition_participant")
    with op.batch_alter_table("competition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competition_school_id"))
        batch_op.drop_index(batch_op.f("ix_competition_region_id"))
        batch_op.drop_index(batch_op.f("ix_competition_enterprise_id"))

    op.drop_table("competition")
