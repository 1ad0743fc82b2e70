"""Credit records (诚信档案, R6): a violation that bars its subject from subsidies for a term."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, exactly_one_set


class CreditRecord(CreatedAtMixin, Base):
    """A record against exactly one subject, active from `starts_on` to `ends_on` inclusive."""

    __tablename__ = "credit_record"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="term_ordered"),
        CheckConstraint(
            exactly_one_set("student_id", "enterprise_id", "school_id"),
            name="one_subject",
        ),
        CheckConstraint(
            "(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revocation_recorded"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    rule: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    blocks_slots: Mapped[bool] = mapped_column(default=True)
    blocks_agreements: Mapped[bool] = mapped_column(default=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
