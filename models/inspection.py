"""On-site inspections: a reproducible sample of placements and what the inspector found."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class InspectionOutcome(enum.StrEnum):
    """The result of one on-site check."""

    PENDING = "pending"
    COMPLIANT = "compliant"
    ISSUES_FOUND = "issues_found"
    NOT_REACHABLE = "not_reachable"


class InspectionSample(CreatedAtMixin, Base):
    """A seeded, enterprise-stratified draw; the same seed and population give the same sample."""

    __tablename__ = "inspection_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    seed: Mapped[int]
    size: Mapped[int]
    as_of: Mapped[date]
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class Inspection(Base):
    """One sampled placement to visit, and the recorded outcome."""

    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("sample_id", "placement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("inspection_sample.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"))
    outcome: Mapped[InspectionOutcome] = mapped_column(
        enum_column(InspectionOutcome, "inspection_outcome"), default=InspectionOutcome.PENDING
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    inspector_name: Mapped[str | None] = mapped_column(String(60))
    inspected_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
