"""Both sides' preferences: students rank slots, enterprises rank or screen out students."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class StudentPreference(Base):
    """A student's rank of one slot (1 = first choice); ranks are unique per student."""

    __tablename__ = "student_preference"
    __table_args__ = (
        UniqueConstraint("student_id", "slot_id"),
        UniqueConstraint("student_id", "rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]


class EnterpriseRanking(Base):
    """An enterprise's view of a candidate for a slot: a rank, or screened out."""

    __tablename__ = "enterprise_ranking"
    __table_args__ = (
        UniqueConstraint("slot_id", "student_id"),
        UniqueConstraint("slot_id", "rank"),
        CheckConstraint("rank IS NULL OR rank >= 1", name="rank_positive"),
        # A candidate is either ranked or screened out, never both or neither.
        CheckConstraint(
            "(screened_out AND rank IS NULL) OR (NOT screened_out AND rank IS NOT NULL)",
            name="ranked_or_screened",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    rank: Mapped[int | None]
    screened_out: Mapped[bool] = mapped_column(default=False)
