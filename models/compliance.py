"""Compliance findings: what a rule check found, with its evidence, from first sight to resolution."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column, utcnow


class Severity(enum.StrEnum):
    """How urgently the bureau should act on a finding."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ComplianceRun(Base):
    """One execution of the rule checks over a region (on demand or nightly)."""

    __tablename__ = "compliance_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ComplianceFinding(CreatedAtMixin, Base):
    """A violation of one rule by one object; reopened findings are new rows.

    `subject_key` identifies what violates the rule (e.g. "placement:42"); at most one open
    finding exists per rule and subject, so a nightly run updates `last_seen_at` instead of
    piling up duplicates, and sets `resolved_at` when the violation is gone.
    """

    __tablename__ = "compliance_finding"
    __table_args__ = (
        Index(
            "uq_compliance_finding_open_rule_subject",
            "region_id",
            "rule_id",
            "subject_key",
            unique=True,
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(10), index=True)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, "finding_severity"))
    subject_key: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    summary: Mapped[str] = mapped_column(String(300))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_run.id"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_run.id"))
