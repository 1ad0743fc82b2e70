"""Students and apprentices; the national ID is kept encrypted, as its last 4 and a keyed hash."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin

SKILL_LEVEL_MIN = 0
SKILL_LEVEL_MAX = 7


class Student(CreatedAtMixin, Base):
    """A student of a cohort.

    `skill_level` indexes the 8-step ladder of seed 001 (十一): 0 学徒工, 1 初级工, 2 中级工,
    3 高级工, 4 技师, 5 高级技师, 6 特级技师, 7 首席技师. `months_used` counts post-internship
    months under the region's cap (R1); the database refuses any value above `month_cap`.
    """

    __tablename__ = "student"
    __table_args__ = (
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
    name: Mapped[str] = mapped_column(String(60))
    birth_date: Mapped[date]
    national_id_masked: Mapped[str] = mapped_column(String(18))
    national_id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    national_id_encrypted: Mapped[str | None] = mapped_column(Text)
    hukou_locality: Mapped[str] = mapped_column(String(60))
    is_local: Mapped[bool] = mapped_column(default=True)
    skill_level: Mapped[int] = mapped_column(default=0)
    phone: Mapped[str | None] = mapped_column(String(30))
    invitation_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    invitation_failures: Mapped[int] = mapped_column(default=0)
    months_used: Mapped[int] = mapped_column(default=0)
    month_cap: Mapped[int] = mapped_column(default=12)
