"""Occupations (职业/工种), the national specialty catalogue, and regional shortage lists."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

specialty_occupation = Table(
    "specialty_occupation",
    Base.metadata,
    Column("specialty_id", ForeignKey("specialty.id", ondelete="CASCADE"), primary_key=True),
    Column("occupation_id", ForeignKey("occupation.id", ondelete="CASCADE"), primary_key=True),
)


class Occupation(Base):
    """An occupation of the national classification; `requires_certificate` marks 就业准入 (R7)."""

    __tablename__ = "occupation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    requires_certificate: Mapped[bool] = mapped_column(default=False)


class Specialty(Base):
    """A specialty (专业) of the vocational catalogue; it feeds one or more occupations."""

    __tablename__ = "specialty"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    occupations: Mapped[list[Occupation]] = relationship(secondary=specialty_occupation)


class ShortageListing(Base):
    """One occupation on a region's shortage list (紧缺职业目录) for one year."""

    __tablename__ = "shortage_listing"
    __table_args__ = (UniqueConstraint("region_id", "occupation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupation.id"))
    year: Mapped[int]
