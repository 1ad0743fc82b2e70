"""Vocational schools and the specialties each one offers."""

from __future__ import annotations

import enum

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, VerificationStatus, enum_column
from .occupation import Specialty

school_specialty = Table(
    "school_specialty",
    Base.metadata,
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
    Column("specialty_id", ForeignKey("specialty.id", ondelete="CASCADE"), primary_key=True),
)


class SchoolType(enum.StrEnum):
    """Kinds of vocational school named in the seeds."""

    SECONDARY_VOCATIONAL = "secondary_vocational"  # 中等职业学校
    TECHNICAL = "technical"  # 技工学校
    HIGHER_VOCATIONAL = "higher_vocational"  # 高等职业院校
    TECHNICIAN_COLLEGE = "technician_college"  # 技师学院


class School(CreatedAtMixin, Base):
    """A school; `code` is its 10-digit national school identifier (学校标识码)."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    school_type: Mapped[SchoolType] = mapped_column(enum_column(SchoolType, "school_type"))
    verification_status: Mapped[VerificationStatus] = mapped_column(
        enum_column(VerificationStatus, "school_verification"), default=VerificationStatus.PENDING
    )
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    specialties: Mapped[list[Specialty]] = relationship(secondary=school_specialty)
