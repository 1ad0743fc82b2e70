"""名师带徒: mentor–apprentice agreements, their monthly allowance ledger, and the enterprise's
annual employee-education-fund return (职工教育经费) the allowances are paid from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, utcnow

#: The levels that may take apprentices under 000 第六条(一)1: 高级工, 技师, 高级技师 (ladder 3–5).
MENTOR_LEVEL_MIN = 3
MENTOR_LEVEL_MAX = 5


class MentorshipAgreement(CreatedAtMixin, Base):
    """A 名师带徒 agreement (协议书) between an enterprise, one of its mentors and an apprentice.

    Both people are the enterprise's employees (their confirmed employments are referenced);
    the monthly allowance is the enterprise's own figure, since the seed leaves it to the
    enterprise. `level_certificate_id` is the trusted certificate that backs the mentor's level,
    when one exists; otherwise the level is the enterprise's statement.
    """

    __tablename__ = "mentorship_agreement"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "agreement_ref"),
        CheckConstraint(
            f"mentor_level BETWEEN {MENTOR_LEVEL_MIN} AND {MENTOR_LEVEL_MAX}",
            name="mentor_level_range",
        ),
        CheckConstraint("mentor_person_id <> apprentice_person_id", name="mentor_not_apprentice"),
        CheckConstraint("end_month > start_month", name="period_ordered"),
        CheckConstraint("monthly_allowance_yuan > 0", name="allowance_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    mentor_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    mentor_employment_id: Mapped[int] = mapped_column(ForeignKey("employment.id"))
    apprentice_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    apprentice_employment_id: Mapped[int] = mapped_column(ForeignKey("employment.id"))
    mentor_level: Mapped[int]
    level_certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    #: First day of the first and of the last month the agreement covers.
    start_month: Mapped[date]
    end_month: Mapped[date]
    monthly_allowance_yuan: Mapped[int]
    agreement_ref: Mapped[str] = mapped_column(String(60))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class AllowanceEntry(CreatedAtMixin, Base):
    """One month's 带徒津贴 paid under an agreement; the database allows one per month."""

    __tablename__ = "allowance_entry"
    __table_args__ = (
        UniqueConstraint("agreement_id", "month"),
        CheckConstraint("amount_yuan > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("mentorship_agreement.id"), index=True)
    #: First day of the month the allowance is for.
    month: Mapped[date]
    amount_yuan: Mapped[int]
    paid_on: Mapped[date]
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class EducationFundReturn(Base):
    """An enterprise's annual 职工教育经费 return: payroll, extracted, spent, spent on front-line
    staff (which includes the mentoring allowances and school–enterprise training)."""

    __tablename__ = "education_fund_return"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "year"),
        CheckConstraint("payroll_yuan > 0", name="payroll_positive"),
        CheckConstraint("extracted_yuan >= 0", name="extracted_nonnegative"),
        CheckConstraint("spent_yuan >= 0", name="spent_nonnegative"),
        CheckConstraint(
            "front_line_yuan >= 0 AND front_line_yuan <= spent_yuan", name="front_line_within_spent"
        ),
        CheckConstraint(
            "mentoring_yuan >= 0 AND school_enterprise_yuan >= 0"
            " AND mentoring_yuan + school_enterprise_yuan <= front_line_yuan",
            name="parts_within_front_line",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    year: Mapped[int]
    payroll_yuan: Mapped[int]
    extracted_yuan: Mapped[int]
    spent_yuan: Mapped[int]
    front_line_yuan: Mapped[int]
    mentoring_yuan: Mapped[int] = mapped_column(default=0)
    school_enterprise_yuan: Mapped[int] = mapped_column(default=0)
    filed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
