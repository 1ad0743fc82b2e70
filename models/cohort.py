"""Cohorts: students of one specialty and intake year at one school, with a placement window."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, enum_column


class EducationLevel(enum.StrEnum):
    """Programme level of a cohort."""

    SECONDARY = "secondary"  # 中职 / 中级工班
    SENIOR = "senior"  # 高级工班
    PRE_TECHNICIAN = "pre_technician"  # 预备技师班
    HIGHER = "higher"  # 高职


class Cohort(Base):
    """A cohort (届/班); students may be placed only inside [window_start, window_end]."""

    __tablename__ = "cohort"
    __table_args__ = (
        UniqueConstraint("school_id", "specialty_id", "intake_year", "name"),
        CheckConstraint("graduation_year >= intake_year", name="graduation_after_intake"),
        CheckConstraint("window_end >= window_start", name="window_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialty.id"))
    name: Mapped[str] = mapped_column(String(80))
    intake_year: Mapped[int]
    graduation_year: Mapped[int]
    level: Mapped[EducationLevel] = mapped_column(enum_column(EducationLevel, "cohort_level"))
    window_start: Mapped[date]
    window_end: Mapped[date]
