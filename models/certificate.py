"""Vocational skill certificates (职业技能等级证书) held by students and apprentices."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin
from .student import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN


class Certificate(CreatedAtMixin, Base):
    """One certificate: holder, occupation, level on the 8-step ladder, date issued, number."""

    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint(
            f"level BETWEEN {SKILL_LEVEL_MIN} AND {SKILL_LEVEL_MAX}", name="level_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupation.id"))
    level: Mapped[int]
    issued_on: Mapped[date]
    number: Mapped[str] = mapped_column(String(40), unique=True)
