"""programmes: apprenticeship programmes, apprentices with two mentors, assessments, 学生学徒培养协议

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:38:31.950072
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

OVERLAP = "ex_apprentice_enrolment_person_period"
POSTGRES_OVERLAP_DDL = (
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"ALTER TABLE apprentice_enrolment ADD CONSTRAINT {OVERLAP}"
    " EXCLUDE USING gist (person_id WITH =, daterange(start_date, end_date, '[]') WITH &&)",
)
_SQLITE_GUARD = (
    " WHEN EXISTS (SELECT 1 FROM apprentice_enrolment AS other"
    " WHERE other.person_id = NEW.person_id AND other.id IS NOT NEW.id"
    " AND other.start_date <= NEW.end_date AND other.end_date >= NEW.start_date)"
    f" BEGIN SELECT RAISE(ABORT, '{OVERLAP}'); END"
)
SQLITE_OVERLAP_DDL = (
    f"CREATE TRIGGER {OVERLAP}_insert BEFORE INSERT ON apprentice_enrolment" + _SQLITE_GUARD,
    f"CREATE TRIGGER {OVERLAP}_update"
    " BEFORE UPDATE OF person_id, start_date, end_date ON apprentice_enrolment" + _SQLITE_GUARD,
)


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apprenticeship_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "employee",
                "student",
                "dual",
                name="programme_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("target_level", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("duration_months", sa.Integer(), nullable=False),
        sa.Column("total_hours", sa.Integer(), nullable=False),
        sa.Column("assessment_body", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "filed",
                "approved",
                "rejected",
                name="programme_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("school_accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("school_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'draft' OR school_accepted_by_id IS NOT NULL",
            name=op.f("ck_apprenticeship_programme_filed_after_acceptance"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'filed') OR (decided_by_id IS NOT NULL AND decision_reason IS NOT NULL)",
            name=op.f("ck_apprenticeship_programme_decision_recorded"),
        ),
        sa.CheckConstraint(
            "duration_months BETWEEN 12 AND 24",
            name=op.f("ck_apprenticeship_programme_duration_range"),
        ),
        sa.CheckConstraint(
            "end_date > start_date", name=op.f("ck_apprenticeship_programme_period_ordered")
        ),
        sa.CheckConstraint(
            "target_level BETWEEN 0 AND 7",
            name=op.f("ck_apprenticeship_programme_target_level_range"),
        ),
        sa.CheckConstraint(
            "total_hours > 0", name=op.f("ck_apprenticeship_programme_hours_positive")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_apprenticeship_programme_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_apprenticeship_programme_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_apprenticeship_programme_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"],
            ["user_account.id"],
            name=op.f("fk_apprenticeship_programme_filed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["occupation_id"],
            ["occupation.id"],
            name=op.f("fk_apprenticeship_programme_occupation_id_occupation"),
        ),
        sa.ForeignKeyConstraint(
            ["school_accepted_by_id"],
            ["user_account.id"],
            name=op.f("fk_apprenticeship_programme_school_accepted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_apprenticeship_programme_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apprenticeship_programme")),
    )
    with op.batch_alter_table("apprenticeship_programme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apprenticeship_programme_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_apprenticeship_programme_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "apprentice_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("employment_id", sa.Integer(), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("labour_contract_ref", sa.String(length=60), nullable=True),
        sa.Column("mentor_user_id", sa.Integer(), nullable=False),
        sa.Column("teacher_user_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "passed",
                "failed",
                name="enrolment_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("enrolled_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "employment_id IS NOT NULL OR student_id IS NOT NULL",
            name=op.f("ck_apprentice_enrolment_employee_or_student"),
        ),
        sa.CheckConstraint(
            "end_date > start_date", name=op.f("ck_apprentice_enrolment_period_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["employment_id"],
            ["employment.id"],
            name=op.f("fk_apprentice_enrolment_employment_id_employment"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolled_by_id"],
            ["user_account.id"],
            name=op.f("fk_apprentice_enrolment_enrolled_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_user_id"],
            ["user_account.id"],
            name=op.f("fk_apprentice_enrolment_mentor_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_apprentice_enrolment_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["apprenticeship_programme.id"],
            name=op.f("fk_apprentice_enrolment_programme_id_apprenticeship_programme"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_apprentice_enrolment_student_id_student")
        ),
        sa.ForeignKeyConstraint(
            ["teacher_user_id"],
            ["user_account.id"],
            name=op.f("fk_apprentice_enrolment_teacher_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apprentice_enrolment")),
        sa.UniqueConstraint(
            "programme_id", "person_id", name=op.f("uq_apprentice_enrolment_programme_id_person_id")
        ),
    )
    with op.batch_alter_table("apprentice_enrolment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apprentice_enrolment_mentor_user_id"), ["mentor_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_apprentice_enrolment_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_apprentice_enrolment_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_apprentice_enrolment_teacher_user_id"), ["teacher_user_id"], unique=False
        )

    # One person, one programme at a time: the database refuses overlapping periods (EXCLUDE on
    # PostgreSQL, triggers on SQLite); the same statements as models/programme.py.
    overlap = (
        POSTGRES_OVERLAP_DDL if op.get_bind().dialect.name == "postgresql" else SQLITE_OVERLAP_DDL
    )
    for statement in overlap:
        op.execute(statement)

    op.create_table(
        "programme_module",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.CheckConstraint("hours > 0", name=op.f("ck_programme_module_hours_positive")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["apprenticeship_programme.id"],
            name=op.f("fk_programme_module_programme_id_apprenticeship_programme"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_module")),
        sa.UniqueConstraint(
            "programme_id", "position", name=op.f("uq_programme_module_programme_id_position")
        ),
    )
    op.create_table(
        "apprentice_training_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("guardian_name", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["apprentice_enrolment.id"],
            name=op.f("fk_apprentice_training_agreement_enrolment_id_apprentice_enrolment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apprentice_training_agreement")),
        sa.UniqueConstraint(
            "enrolment_id", name=op.f("uq_apprentice_training_agreement_enrolment_id")
        ),
    )
    op.create_table(
        "programme_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("level_reached", sa.Integer(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("assessor", sa.String(length=60), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "NOT passed OR (level_reached IS NOT NULL AND certificate_id IS NOT NULL)",
            name=op.f("ck_programme_assessment_pass_has_certificate"),
        ),
        sa.CheckConstraint(
            "level_reached IS NULL OR level_reached BETWEEN 0 AND 7",
            name=op.f("ck_programme_assessment_level_range"),
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificate.id"],
            name=op.f("fk_programme_assessment_certificate_id_certificate"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["apprentice_enrolment.id"],
            name=op.f("fk_programme_assessment_enrolment_id_apprentice_enrolment"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_programme_assessment_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_assessment")),
        sa.UniqueConstraint("enrolment_id", name=op.f("uq_programme_assessment_enrolment_id")),
    )
    op.create_table(
        "programme_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("hours > 0", name=op.f("ck_programme_progress_hours_positive")),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["apprentice_enrolment.id"],
            name=op.f("fk_programme_progress_enrolment_id_apprentice_enrolment"),
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["programme_module.id"],
            name=op.f("fk_programme_progress_module_id_programme_module"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_programme_progress_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_progress")),
    )
    with op.batch_alter_table("programme_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_progress_enrolment_id"), ["enrolment_id"], unique=False
        )

    op.create_table(
        "apprentice_training_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column(
            "party",
            sa.Enum(
                "school",
                "enterprise",
                "student",
                "guardian",
                name="training_signature_party",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["apprentice_training_agreement.id"],
            name=op.f(
                "fk_apprentice_training_signature_agreement_id_apprentice_training_agreement"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["user_account.id"],
            name=op.f("fk_apprentice_training_signature_signed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apprentice_training_signature")),
        sa.UniqueConstraint(
            "agreement_id",
            "party",
            name=op.f("uq_apprentice_training_signature_agreement_id_party"),
        ),
    )


def downgrade() -> None:
    op.drop_table("apprentice_training_signature")
    with op.batch_alter_table("programme_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_progress_enrolment_id"))

    op.drop_table("programme_progress")
    op.drop_table("programme_assessment")
    op.drop_table("apprentice_training_agreement")
    op.drop_table("programme_module")
    with op.batch_alter_table("apprentice_enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apprentice_enrolment_teacher_user_id"))
        batch_op.drop_index(batch_op.f("ix_apprentice_enrolment_programme_id"))
        batch_op.drop_index(batch_op.f("ix_apprentice_enrolment_person_id"))
        batch_op.drop_index(batch_op.f("ix_apprentice_enrolment_mentor_user_id"))

    op.drop_table("apprentice_enrolment")
    with op.batch_alter_table("apprenticeship_programme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apprenticeship_programme_school_id"))
        batch_op.drop_index(batch_op.f("ix_apprenticeship_programme_enterprise_id"))

    op.drop_table("apprenticeship_programme")
