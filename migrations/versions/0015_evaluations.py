"""evaluations: rubric evaluations, host ratings, internship reports, employment outcomes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "employment_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "hired_by_host",
                "hired_elsewhere",
                "further_study",
                "not_yet",
                name="outcome_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("employer_name", sa.String(length=120), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column(
            "contract_type",
            sa.Enum(
                "fixed_term",
                "open_ended",
                "project",
                "none",
                name="contract_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("contract_months", sa.Integer(), nullable=True),
        sa.Column("social_insurance", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind NOT IN ('hired_by_host', 'hired_elsewhere') OR (started_on IS NOT NULL AND contract_type IS NOT NULL)",
            name=op.f("ck_employment_outcome_hire_has_start_and_contract"),
        ),
        sa.CheckConstraint(
            "contract_months IS NULL OR contract_months > 0",
            name=op.f("ck_employment_outcome_contract_months_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_employment_outcome_confirmed_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_employment_outcome_placement_id_placement"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_employment_outcome_recorded_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employment_outcome")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_employment_outcome_placement_id")),
    )
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "midterm",
                "final",
                name="evaluation_stage",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "evaluator",
            sa.Enum(
                "mentor",
                "teacher",
                "self",
                name="evaluator",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("author_user_id", sa.Integer(), nullable=False),
        sa.Column("rubric_code", sa.String(length=40), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("weighted_centi", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["user_account.id"],
            name=op.f("fk_evaluation_author_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placement.id"], name=op.f("fk_evaluation_placement_id_placement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
        sa.UniqueConstraint(
            "placement_id",
            "stage",
            "evaluator",
            name=op.f("uq_evaluation_placement_id_stage_evaluator"),
        ),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_placement_id"), ["placement_id"], unique=False
        )

    op.create_table(
        "host_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("safety", sa.Integer(), nullable=False),
        sa.Column("learning", sa.Integer(), nullable=False),
        sa.Column("pay_on_time", sa.Integer(), nullable=False),
        sa.Column("treatment", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("learning BETWEEN 1 AND 5", name=op.f("ck_host_rating_learning_range")),
        sa.CheckConstraint(
            "pay_on_time BETWEEN 1 AND 5", name=op.f("ck_host_rating_pay_on_time_range")
        ),
        sa.CheckConstraint("safety BETWEEN 1 AND 5", name=op.f("ck_host_rating_safety_range")),
        sa.CheckConstraint(
            "treatment BETWEEN 1 AND 5", name=op.f("ck_host_rating_treatment_range")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_host_rating_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placement.id"], name=op.f("fk_host_rating_placement_id_placement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_rating")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_host_rating_placement_id")),
    )
    with op.batch_alter_table("host_rating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_host_rating_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "internship_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column(
            "grade",
            sa.Enum(
                "excellent",
                "good",
                "medium",
                "pass",
                "fail",
                name="report_grade",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("graded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(score IS NULL) = (grade IS NULL)", name=op.f("ck_internship_report_grade_with_score")
        ),
        sa.CheckConstraint(
            "score IS NULL OR score BETWEEN 0 AND 100",
            name=op.f("ck_internship_report_score_range"),
        ),
        sa.ForeignKeyConstraint(
            ["graded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_internship_report_graded_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_internship_report_placement_id_placement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internship_report")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_internship_report_placement_id")),
    )


def downgrade() -> None:
    op.drop_table("internship_report")
    with op.batch_alter_table("host_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_host_rating_enterprise_id"))

    op.drop_table("host_rating")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_placement_id"))

    op.drop_table("evaluation")
    op.drop_table("employment_outcome")
