"""The bureau's yearly designations: designated schools / education bases, key-industry enterprises."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class SchoolDesignation(Base):
    """For one year, whether the school's bureau designated it (指定院校) and counts it in an
    education base (职业教育基地); no row for a year means the bureau recorded nothing."""

    __tablename__ = "school_designation"
    __table_args__ = (UniqueConstraint("school_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    year: Mapped[int]
    designated: Mapped[bool] = mapped_column(default=False)
    education_base: Mapped[bool] = mapped_column(default=False)


class EnterpriseDesignation(Base):
    """For one year, whether the enterprise's bureau lists it as a key-industry enterprise
    (重点产业企业); no row for a year leaves the flag the enterprise was registered with."""

    __tablename__ = "enterprise_designation"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    year: Mapped[int]
    key_industry: Mapped[bool] = mapped_column(default=False)
