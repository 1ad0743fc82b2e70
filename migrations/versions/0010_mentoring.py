"""mentoring: 名师带徒 agreements and allowance ledger, education-fund returns, worker claims

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _one_of(*columns: str) -> str:
    terms = " + ".join(f"(CASE WHEN {c} IS NOT NULL THEN 1 ELSE 0 END)" for c in columns)
    return f"{terms} = 1"


OLD_BENEFICIARY = _one_of("student_id", "enterprise_id", "school_id")
NEW_BENEFICIARY = _one_of("student_id", "enterprise_id", "school_id", "person_id")


def upgrade() -> None:
    op.create_table(
        "mentorship_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("mentor_person_id", sa.Integer(), nullable=False),
        sa.Column("mentor_employment_id", sa.Integer(), nullable=False),
        sa.Column("apprentice_person_id", sa.Integer(), nullable=False),
        sa.Column("apprentice_employment_id", sa.Integer(), nullable=False),
        sa.Column("mentor_level", sa.Integer(), nullable=False),
        sa.Column("level_certificate_id", sa.Integer(), nullable=True),
        sa.Column("start_month", sa.Date(), nullable=False),
        sa.Column("end_month", sa.Date(), nullable=False),
        sa.Column("monthly_allowance_yuan", sa.Integer(), nullable=False),
        sa.Column("agreement_ref", sa.String(length=60), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mentor_level BETWEEN 3 AND 5", name=op.f("ck_mentorship_agreement_mentor_level_range")
        ),
        sa.CheckConstraint(
            "mentor_person_id <> apprentice_person_id",
            name=op.f("ck_mentorship_agreement_mentor_not_apprentice"),
        ),
        sa.CheckConstraint(
            "end_month > start_month", name=op.f("ck_mentorship_agreement_period_ordered")
        ),
        sa.CheckConstraint(
            "monthly_allowance_yuan > 0", name=op.f("ck_mentorship_agreement_allowance_positive")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_mentorship_agreement_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_person_id"],
            ["person.id"],
            name=op.f("fk_mentorship_agreement_mentor_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_employment_id"],
            ["employment.id"],
            name=op.f("fk_mentorship_agreement_mentor_employment_id_employment"),
        ),
        sa.ForeignKeyConstraint(
            ["apprentice_person_id"],
            ["person.id"],
            name=op.f("fk_mentorship_agreement_apprentice_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["apprentice_employment_id"],
            ["employment.id"],
            name=op.f("fk_mentorship_agreement_apprentice_employment_id_employment"),
        ),
        sa.ForeignKeyConstraint(
            ["level_certificate_id"],
            ["certificate.id"],
            name=op.f("fk_mentorship_agreement_level_certificate_id_certificate"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_mentorship_agreement_created_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship_agreement")),
        sa.UniqueConstraint(
            "enterprise_id",
            "agreement_ref",
            name=op.f("uq_mentorship_agreement_enterprise_id_agreement_ref"),
        ),
    )
    with op.batch_alter_table("mentorship_agreement", schema=None) as batch_op:
        for column in ("enterprise_id", "mentor_person_id", "apprentice_person_id"):
            batch_op.create_index(
                batch_op.f(f"ix_mentorship_agreement_{column}"), [column], unique=False
            )
    op.create_table(
        "allowance_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount_yuan", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_yuan > 0", name=op.f("ck_allowance_entry_amount_positive")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["mentorship_agreement.id"],
            name=op.f("fk_allowance_entry_agreement_id_mentorship_agreement"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_allowance_entry_recorded_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allowance_entry")),
        sa.UniqueConstraint(
            "agreement_id", "month", name=op.f("uq_allowance_entry_agreement_id_month")
        ),
    )
    with op.batch_alter_table("allowance_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allowance_entry_agreement_id"), ["agreement_id"], unique=False
        )
    op.create_table(
        "education_fund_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("payroll_yuan", sa.Integer(), nullable=False),
        sa.Column("extracted_yuan", sa.Integer(), nullable=False),
        sa.Column("spent_yuan", sa.Integer(), nullable=False),
        sa.Column("front_line_yuan", sa.Integer(), nullable=False),
        sa.Column("mentoring_yuan", sa.Integer(), nullable=False),
        sa.Column("school_enterprise_yuan", sa.Integer(), nullable=False),
        sa.Column("filed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "payroll_yuan > 0", name=op.f("ck_education_fund_return_payroll_positive")
        ),
        sa.CheckConstraint(
            "extracted_yuan >= 0", name=op.f("ck_education_fund_return_extracted_nonnegative")
        ),
        sa.CheckConstraint(
            "spent_yuan >= 0", name=op.f("ck_education_fund_return_spent_nonnegative")
        ),
        sa.CheckConstraint(
            "front_line_yuan >= 0 AND front_line_yuan <= spent_yuan",
            name=op.f("ck_education_fund_return_front_line_within_spent"),
        ),
        sa.CheckConstraint(
            "mentoring_yuan >= 0 AND school_enterprise_yuan >= 0"
            " AND mentoring_yuan + school_enterprise_yuan <= front_line_yuan",
            name=op.f("ck_education_fund_return_parts_within_front_line"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_education_fund_return_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_education_fund_return_filed_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_education_fund_return")),
        sa.UniqueConstraint(
            "enterprise_id", "year", name=op.f("uq_education_fund_return_enterprise_id_year")
        ),
    )
    with op.batch_alter_table("education_fund_return", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_education_fund_return_enterprise_id"), ["enterprise_id"], unique=False
        )
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_subsidy_claim_person_id"), ["person_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_subsidy_claim_person_id_person"), "person", ["person_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_subsidy_claim_one_beneficiary"), type_="check")
        batch_op.create_check_constraint(op.f("ck_subsidy_claim_one_beneficiary"), NEW_BENEFICIARY)


def downgrade() -> None:
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_subsidy_claim_one_beneficiary"), type_="check")
        batch_op.create_check_constraint(op.f("ck_subsidy_claim_one_beneficiary"), OLD_BENEFICIARY)
        batch_op.drop_constraint(op.f("fk_subsidy_claim_person_id_person"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_subsidy_claim_person_id"))
        batch_op.drop_column("person_id")
    op.drop_table("education_fund_return")
    op.drop_table("allowance_entry")
    op.drop_table("mentorship_agreement")
