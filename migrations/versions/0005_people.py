"""people: one person per national ID, employments, staff roles, certificates of any person

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_ROLES = ("school", "enterprise", "student", "bureau")
NEW_ROLES = (*OLD_ROLES, "worker")
STAFF_ROLES = (
    "admin",
    "placement_officer",
    "teacher",
    "hr",
    "mentor",
    "officer",
    "reviewer",
    "finance",
    "self",
)
OLD_TENANT_CHECK = (
    "(role = 'school') = (school_id IS NOT NULL) AND (role = 'enterprise') = (enterprise_id IS "
    "NOT NULL) AND (role = 'student') = (student_id IS NOT NULL) AND (role = 'bureau') = "
    "(region_id IS NOT NULL)"
)
NEW_TENANT_CHECK = OLD_TENANT_CHECK + " AND (role = 'worker') = (person_id IS NOT NULL)"
STAFF_ROLE_CHECK = (
    "(role = 'school' AND staff_role IN ('admin', 'placement_officer', 'teacher'))"
    " OR (role = 'enterprise' AND staff_role IN ('admin', 'hr', 'mentor'))"
    " OR (role = 'bureau' AND staff_role IN ('officer', 'reviewer', 'finance'))"
    " OR (role = 'student' AND staff_role IN ('self'))"
    " OR (role = 'worker' AND staff_role IN ('self'))"
)


def _role_type(roles: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*roles, name="user_role", native_enum=False, create_constraint=True)


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("national_id_masked", sa.String(length=18), nullable=False),
        sa.Column("national_id_hash", sa.String(length=64), nullable=False),
        sa.Column("national_id_encrypted", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("national_id_hash", name=op.f("uq_person_national_id_hash")),
    )
    # Every student becomes a person (the ID hash was unique per student, so one each), and the
    # student row points to it; then the identity columns leave the student table.
    op.execute(
        "INSERT INTO person (name, birth_date, national_id_masked, national_id_hash,"
        " national_id_encrypted, phone, created_at)"
        " SELECT name, birth_date, national_id_masked, national_id_hash, national_id_encrypted,"
        " phone, created_at FROM student ORDER BY id"
    )
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE student SET person_id ="
        " (SELECT person.id FROM person WHERE person.national_id_hash = student.national_id_hash)"
    )
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_student_person_id_person"), "person", ["person_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_student_person_id"), ["person_id"], unique=False)
        batch_op.create_unique_constraint(
            op.f("uq_student_person_id_cohort_id"), ["person_id", "cohort_id"]
        )
        batch_op.drop_constraint(op.f("uq_student_national_id_hash"), type_="unique")
        batch_op.drop_column("national_id_encrypted")
        batch_op.drop_column("national_id_hash")
        batch_op.drop_column("national_id_masked")

    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("issuer", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "declared",
                    "verified",
                    "rejected",
                    "imported",
                    name="certificate_status",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=False,
                # Certificates on the platform before people were recorded by schools from the
                # appraisal results they hold: they keep counting as they did.
                server_default="imported",
            )
        )
        batch_op.add_column(sa.Column("verified_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rejection_reason", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE certificate SET person_id ="
        " (SELECT student.person_id FROM student WHERE student.id = certificate.student_id)"
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("issuer", existing_type=sa.String(length=120), server_default=None)
        batch_op.alter_column("status", existing_type=sa.String(length=8), server_default=None)
        batch_op.create_foreign_key(
            op.f("fk_certificate_person_id_person"), "person", ["person_id"], ["id"]
        )
        batch_op.create_foreign_key(
            op.f("fk_certificate_verified_by_user_id_user_account"),
            "user_account",
            ["verified_by_user_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_certificate_person_id"), ["person_id"], unique=False)
        batch_op.drop_index(batch_op.f("ix_certificate_student_id"))
        batch_op.drop_constraint(op.f("fk_certificate_student_id_student"), type_="foreignkey")
        batch_op.drop_column("student_id")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "staff_role",
                sa.Enum(*STAFF_ROLES, name="staff_role", native_enum=False, create_constraint=True),
                nullable=True,
            )
        )
    # Accounts made before staff roles each ran their whole organisation.
    op.execute(
        "UPDATE user_account SET staff_role = CASE role"
        " WHEN 'bureau' THEN 'officer' WHEN 'student' THEN 'self' ELSE 'admin' END"
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("staff_role", existing_type=sa.String(length=17), nullable=False)
        batch_op.alter_column(
            "role", existing_type=_role_type(OLD_ROLES), type_=_role_type(NEW_ROLES)
        )
        batch_op.drop_constraint(op.f("ck_user_account_role_matches_tenant"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_user_account_role_matches_tenant"), NEW_TENANT_CHECK
        )
        batch_op.create_check_constraint(
            op.f("ck_user_account_staff_role_matches_role"), STAFF_ROLE_CHECK
        )
        batch_op.create_foreign_key(
            op.f("fk_user_account_person_id_person"), "person", ["person_id"], ["id"]
        )
        batch_op.create_unique_constraint(op.f("uq_user_account_person_id"), ["person_id"])

    op.create_table(
        "employment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=60), nullable=False),
        sa.Column("hire_date", sa.Date(), nullable=False),
        sa.Column("contract_start", sa.Date(), nullable=True),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("social_insurance_since", sa.Date(), nullable=True),
        sa.Column("is_front_line", sa.Boolean(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "confirmed",
                "rejected",
                "ended",
                name="employment_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "registration",
                "enterprise",
                name="employment_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("confirmed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "contract_end IS NULL OR contract_start IS NULL OR contract_end >= contract_start",
            name=op.f("ck_employment_contract_dates_ordered"),
        ),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= hire_date", name=op.f("ck_employment_ended_after_hire")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_employment_confirmed_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_employment_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_employment_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employment")),
    )
    with op.batch_alter_table("employment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employment_enterprise_id"), ["enterprise_id"])
        batch_op.create_index(batch_op.f("ix_employment_person_id"), ["person_id"])
        batch_op.create_index(
            "uq_employment_current_primary",
            ["person_id"],
            unique=True,
            postgresql_where=sa.text("is_primary AND status = 'confirmed'"),
            sqlite_where=sa.text("is_primary AND status = 'confirmed'"),
        )
        batch_op.create_index(
            "uq_employment_open_pair",
            ["person_id", "enterprise_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('pending','confirmed')"),
            sqlite_where=sa.text("status IN ('pending','confirmed')"),
        )

    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mentor_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("teacher_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_placement_mentor_user_id_user_account"),
            "user_account",
            ["mentor_user_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            op.f("fk_placement_teacher_user_id_user_account"),
            "user_account",
            ["teacher_user_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_placement_mentor_user_id"), ["mentor_user_id"])
        batch_op.create_index(batch_op.f("ix_placement_teacher_user_id"), ["teacher_user_id"])


def downgrade() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_teacher_user_id"))
        batch_op.drop_index(batch_op.f("ix_placement_mentor_user_id"))
        batch_op.drop_constraint(op.f("fk_placement_teacher_user_id_user_account"), "foreignkey")
        batch_op.drop_constraint(op.f("fk_placement_mentor_user_id_user_account"), "foreignkey")
        batch_op.drop_column("teacher_user_id")
        batch_op.drop_column("mentor_user_id")
    op.drop_table("employment")
    # Worker accounts have no place in the old schema.
    op.execute("DELETE FROM user_account WHERE role = 'worker'")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_user_account_person_id"), type_="unique")
        batch_op.drop_constraint(op.f("fk_user_account_person_id_person"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_user_account_staff_role_matches_role"), type_="check")
        batch_op.drop_constraint(op.f("ck_user_account_role_matches_tenant"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_user_account_role_matches_tenant"), OLD_TENANT_CHECK
        )
        batch_op.alter_column(
            "role", existing_type=_role_type(NEW_ROLES), type_=_role_type(OLD_ROLES)
        )
        batch_op.drop_constraint(op.f("ck_user_account_staff_role"), type_="check")
        batch_op.drop_column("staff_role")
        batch_op.drop_column("person_id")

    # Certificates of people who were never students cannot go back.
    op.execute("DELETE FROM certificate WHERE person_id NOT IN (SELECT person_id FROM student)")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("student_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE certificate SET student_id = (SELECT MIN(student.id) FROM student"
        " WHERE student.person_id = certificate.person_id)"
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.alter_column("student_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_certificate_student_id_student"), "student", ["student_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_certificate_student_id"), ["student_id"])
        batch_op.drop_index(batch_op.f("ix_certificate_person_id"))
        batch_op.drop_constraint(
            op.f("fk_certificate_verified_by_user_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("fk_certificate_person_id_person"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_certificate_certificate_status"), type_="check")
        for column in (
            "rejection_reason",
            "verified_at",
            "verified_by_user_id",
            "status",
            "issuer",
            "person_id",
        ):
            batch_op.drop_column(column)

    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.add_column(sa.Column("national_id_masked", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("national_id_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("national_id_encrypted", sa.Text(), nullable=True))
    # A person enrolled in several cohorts keeps the ID on the oldest enrolment only; the old
    # schema had one student row per national ID.
    op.execute(
        "DELETE FROM student WHERE id NOT IN (SELECT MIN(id) FROM student GROUP BY person_id)"
    )
    op.execute(
        "UPDATE student SET"
        " national_id_masked = (SELECT national_id_masked FROM person WHERE person.id = student.person_id),"
        " national_id_hash = (SELECT national_id_hash FROM person WHERE person.id = student.person_id),"
        " national_id_encrypted = (SELECT national_id_encrypted FROM person WHERE person.id = student.person_id)"
    )
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.alter_column("national_id_masked", existing_type=sa.String(18), nullable=False)
        batch_op.alter_column("national_id_hash", existing_type=sa.String(64), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_student_national_id_hash"), ["national_id_hash"])
        batch_op.drop_constraint(op.f("uq_student_person_id_cohort_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_student_person_id"))
        batch_op.drop_constraint(op.f("fk_student_person_id_person"), type_="foreignkey")
        batch_op.drop_column("person_id")
    op.drop_table("person")
