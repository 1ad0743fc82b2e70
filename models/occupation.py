"""Occupations (职业/工种), the national specialty catalogue, and regional shortage lists."""

from __future__ import annotations

import re

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

specialty_occupation = Table(
    "specialty_occupation",
    Base.metadata,
    Column("specialty_id", ForeignKey("specialty.id", ondelete="CASCADE"), primary_key=True),
    Column("occupation_id", ForeignKey("occupation.id", ondelete="CASCADE"), primary_key=True),
)


#: A code of 国家职业分类大典 (2022): major-middle-minor group and occupation, e.g. 6-18-01-01.
OCCUPATION_CODE = re.compile(r"[1-8]-\d{2}-\d{2}-\d{2}")


class Occupation(Base):
    """An occupation of the national classification; `requires_certificate` marks 就业准入 (R7).

    A retired occupation stays on the years' lists that named it but is listed no more.
    """

    __tablename__ = "occupation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(120), default="", server_default="")
    requires_certificate: Mapped[bool] = mapped_column(default=False)
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())


class Specialty(Base):
    """A specialty (专业) of the vocational catalogue; it feeds one or more occupations."""

    __tablename__ = "specialty"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    occupations: Mapped[list[Occupation]] = relationship(secondary=specialty_occupation)


class ShortageListing(Base):
    """One occupation on a region's shortage list (紧缺职业目录) for one year; `grade` is the
    list's own wording of how short it is (e.g. 非常紧缺), when it gives one."""

    __tablename__ = "shortage_listing"
    __table_args__ = (UniqueConstraint("region_id", "occupation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupation.id"))
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(20), default="", server_default="")
