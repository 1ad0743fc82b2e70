"""Enterprises, identified by their unified social credit code (统一社会信用代码, USCC)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, VerificationStatus, enum_column


class Enterprise(CreatedAtMixin, Base):
    """A host enterprise; `staff_headcount` (在岗职工总数) bounds its interns under N2."""

    __tablename__ = "enterprise"
    __table_args__ = (CheckConstraint("staff_headcount >= 0", name="headcount_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    name: Mapped[str] = mapped_column(String(120))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str] = mapped_column(String(60))
    is_key_industry: Mapped[bool] = mapped_column(default=False)
    staff_headcount: Mapped[int] = mapped_column(default=0)
    address: Mapped[str | None] = mapped_column(String(200))
    verification_status: Mapped[VerificationStatus] = mapped_column(
        enum_column(VerificationStatus, "enterprise_verification"),
        default=VerificationStatus.PENDING,
    )
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
