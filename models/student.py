"""Students: a person enrolled in a school's cohort; the identity (national ID) is on the person."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from .base import Base, CreatedAtMixin
from .person import Person

SKILL_LEVEL_MIN = 0
SKILL_LEVEL_MAX = 7


class Student(CreatedAtMixin, Base):
    """A person's enrolment as a student of a cohort.

    `name`, `birth_date` and `hukou_locality` are the school roster's record at enrolment (the
    roster import checks them against the person); the national ID lives only on `Person`.

    `skill_level` indexes the 8-step ladder of seed 001 (十一): 0 学徒工, 1 初级工, 2 中级工,
    3 高级工, 4 技师, 5 高级技师, 6 特级技师, 7 首席技师. `months_used` counts post-internship
    months under the region's cap (R1); the database refuses any value above `month_cap`.
    """

    __tablename__ = "student"
    __table_args__ = (
        UniqueConstraint("person_id", "cohort_id"),
        CheckConstraint(
            f"skill_level BETWEEN {SKILL_LEVEL_MIN} AND {SKILL_LEVEL_MAX}", name="skill_level_range"
        ),
        CheckConstraint("months_used >= 0", name="months_used_nonnegative"),
        CheckConstraint("months_used <= month_cap", name="months_within_cap"),
        CheckConstraint("invitation_failures >= 0", name="invitation_failures_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    birth_date: Mapped[date]
    hukou_locality: Mapped[str] = mapped_column(String(60))
    is_local: Mapped[bool] = mapped_column(default=True)
    skill_level: Mapped[int] = mapped_column(default=0)
    phone: Mapped[str | None] = mapped_column(String(30))
    invitation_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    invitation_failures: Mapped[int] = mapped_column(default=0)
    months_used: Mapped[int] = mapped_column(default=0)
    month_cap: Mapped[int] = mapped_column(default=12)

    person: Mapped[Person] = relationship()
    # The person's masked ID, read through for lists and pages that show a student's row.
    national_id_masked: Mapped[str] = column_property(
        select(Person.national_id_masked).where(Person.id == person_id).scalar_subquery()
    )
