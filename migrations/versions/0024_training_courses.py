"""training courses and technician classes: record, roster, sessions with attendance, the claim's link

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 18:43:08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=30), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("planned_places", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "closed", name="course_status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'open' OR (closed_by_id IS NOT NULL AND closed_at IS NOT NULL)",
            name=op.f("ck_training_course_closure_recorded"),
        ),
        sa.CheckConstraint(
            "(enterprise_id IS NULL) <> (school_id IS NULL)",
            name=op.f("ck_training_course_one_organiser"),
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_training_course_period_ordered")),
        sa.CheckConstraint("planned_places >= 1", name=op.f("ck_training_course_places_positive")),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_course_closed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_course_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_training_course_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["occupation_id"],
            ["occupation.id"],
            name=op.f("fk_training_course_occupation_id_occupation"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_training_course_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_training_course_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_course")),
    )
    with op.batch_alter_table("training_course", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_course_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_course_region_id"), ["region_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_course_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "course_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["training_course.id"],
            name=op.f("fk_course_session_course_id_training_course"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_session")),
        sa.UniqueConstraint(
            "course_id", "held_on", name=op.f("uq_course_session_course_id_held_on")
        ),
    )
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_session_course_id"), ["course_id"], unique=False
        )

    op.create_table(
        "course_trainee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_course_trainee_added_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["training_course.id"],
            name=op.f("fk_course_trainee_course_id_training_course"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_course_trainee_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_trainee")),
        sa.UniqueConstraint(
            "course_id", "person_id", name=op.f("uq_course_trainee_course_id_person_id")
        ),
    )
    with op.batch_alter_table("course_trainee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_trainee_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_trainee_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "course_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_course_attendance_session_id_course_session"),
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["course_trainee.id"],
            name=op.f("fk_course_attendance_trainee_id_course_trainee"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_attendance")),
        sa.UniqueConstraint(
            "session_id", "trainee_id", name=op.f("uq_course_attendance_session_id_trainee_id")
        ),
    )
    with op.batch_alter_table("course_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_attendance_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_attendance_trainee_id"), ["trainee_id"], unique=False
        )

    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("training_course_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_subsidy_claim_training_course_id"), ["training_course_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_subsidy_claim_training_course_id_training_course"),
            "training_course",
            ["training_course_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_subsidy_claim_training_course_id_training_course"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_subsidy_claim_training_course_id"))
        batch_op.drop_column("training_course_id")

    with op.batch_alter_table("course_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_attendance_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_course_attendance_session_id"))

    op.drop_table("course_attendance")
    with op.batch_alter_table("course_trainee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_trainee_person_id"))
        batch_op.drop_index(batch_op.f("ix_course_trainee_course_id"))

    op.drop_table("course_trainee")
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_session_course_id"))

    op.drop_table("course_session")
    with op.batch_alter_table("training_course", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_course_school_id"))
        batch_op.drop_index(batch_op.f("ix_training_course_region_id"))
        batch_op.drop_index(batch_op.f("ix_training_course_enterprise_id"))

    op.drop_table("training_course")
