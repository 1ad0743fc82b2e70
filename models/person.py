"""People: one row per national ID, and their employment by enterprises over time."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class Person(CreatedAtMixin, Base):
    """A person the platform knows, whatever their roles: student, employee, apprentice, mentor.

    The national ID is held only encrypted, as its last 4 and as a keyed hash that makes the
    person unique; a student's enrolment and an employee's employment point here, so one person
    who studied at school A and now works at enterprise B is one row with history.
    """

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    birth_date: Mapped[date]
    national_id_masked: Mapped[str] = mapped_column(String(18))
    national_id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    national_id_encrypted: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))


class EmploymentStatus(enum.StrEnum):
    """pending (declared by the worker or imported) → confirmed by the enterprise → ended."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    ENDED = "ended"


class EmploymentSource(enum.StrEnum):
    """Who put the employment on the platform: the worker registering, or the enterprise."""

    REGISTRATION = "registration"
    ENTERPRISE = "enterprise"


class Employment(CreatedAtMixin, Base):
    """A person's employment by an enterprise, with the facts the enterprise confirms.

    Subsidy facts (contract, social insurance, years of service) are read from confirmed rows,
    never declared by the claimant. The database keeps one current primary employer per person
    and one open employment per person and enterprise.
    """

    __tablename__ = "employment"
    __table_args__ = (
        CheckConstraint(
            "contract_end IS NULL OR contract_start IS NULL OR contract_end >= contract_start",
            name="contract_dates_ordered",
        ),
        CheckConstraint("ended_on IS NULL OR ended_on >= hire_date", name="ended_after_hire"),
        Index(
            "uq_employment_current_primary",
            "person_id",
            unique=True,
            postgresql_where=text("is_primary AND status = 'confirmed'"),
            sqlite_where=text("is_primary AND status = 'confirmed'"),
        ),
        Index(
            "uq_employment_open_pair",
            "person_id",
            "enterprise_id",
            unique=True,
            postgresql_where=text("status IN ('pending','confirmed')"),
            sqlite_where=text("status IN ('pending','confirmed')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    post: Mapped[str] = mapped_column(String(60))
    hire_date: Mapped[date]
    contract_start: Mapped[date | None]
    contract_end: Mapped[date | None]
    social_insurance_since: Mapped[date | None]
    is_front_line: Mapped[bool] = mapped_column(default=True)
    is_primary: Mapped[bool] = mapped_column(default=True)
    status: Mapped[EmploymentStatus] = mapped_column(
        enum_column(EmploymentStatus, "employment_status"), default=EmploymentStatus.PENDING
    )
    source: Mapped[EmploymentSource] = mapped_column(
        enum_column(EmploymentSource, "employment_source")
    )
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(200))
