"""Incidents during a placement (安全事故/工伤): the report, its insurance claim and its timeline."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column, utcnow


class IncidentKind(enum.StrEnum):
    """What happened."""

    INJURY = "injury"
    SAFETY_HAZARD = "safety_hazard"
    HARASSMENT = "harassment"
    OTHER = "other"


class IncidentSeverity(enum.StrEnum):
    """How bad it is; serious and critical ones need the guardian informed before closing."""

    MINOR = "minor"
    SERIOUS = "serious"
    CRITICAL = "critical"


class IncidentStatus(enum.StrEnum):
    """open → closed (with a resolution)."""

    OPEN = "open"
    CLOSED = "closed"


class InsuranceClaimStatus(enum.StrEnum):
    """none → filed → accepted → paid; filed or accepted → rejected."""

    NONE = "none"
    FILED = "filed"
    ACCEPTED = "accepted"
    PAID = "paid"
    REJECTED = "rejected"


class IncidentAction(enum.StrEnum):
    """The steps a timeline row records."""

    REPORTED = "reported"
    GUARDIAN_INFORMED = "guardian_informed"
    CLAIM_FILED = "claim_filed"
    CLAIM_ACCEPTED = "claim_accepted"
    CLAIM_PAID = "claim_paid"
    CLAIM_REJECTED = "claim_rejected"
    CLOSED = "closed"


class Incident(CreatedAtMixin, Base):
    """A safety or injury report on a placement; the database holds the closing rules."""

    __tablename__ = "incident"
    __table_args__ = (
        # Closing needs a resolution and no claim still in the insurer's hands.
        CheckConstraint(
            "status <> 'closed' OR (resolution IS NOT NULL AND closed_at IS NOT NULL"
            " AND claim_status NOT IN ('filed', 'accepted'))",
            name="closed_resolved",
        ),
        # A serious or critical incident is closed only once the guardian was informed.
        CheckConstraint(
            "status <> 'closed' OR severity = 'minor' OR guardian_informed_at IS NOT NULL",
            name="closed_guardian_informed",
        ),
        CheckConstraint(
            "claim_status = 'none' OR (claim_number IS NOT NULL AND claim_filed_on IS NOT NULL)",
            name="claim_numbered",
        ),
        CheckConstraint(
            "(claim_status = 'paid') = (claim_paid_yuan IS NOT NULL)", name="claim_paid_amount"
        ),
        CheckConstraint("claim_paid_yuan > 0", name="claim_paid_positive"),
        CheckConstraint(
            "(claim_status = 'rejected') = (claim_rejection_reason IS NOT NULL)",
            name="claim_rejection_reason",
        ),
        CheckConstraint(
            "(guardian_informed_at IS NULL) = (guardian_informed_by IS NULL)",
            name="guardian_informed_by",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[IncidentKind] = mapped_column(enum_column(IncidentKind, "incident_kind"))
    severity: Mapped[IncidentSeverity] = mapped_column(
        enum_column(IncidentSeverity, "incident_severity"), index=True
    )
    status: Mapped[IncidentStatus] = mapped_column(
        enum_column(IncidentStatus, "incident_status"), default=IncidentStatus.OPEN, index=True
    )
    #: When it happened (aware; entered and shown in Asia/Shanghai) and where.
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    immediate_measures: Mapped[str] = mapped_column(Text)
    #: When the guardian (监护人) was informed and the name of who informed them.
    guardian_informed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    guardian_informed_by: Mapped[str | None] = mapped_column(String(60))
    claim_status: Mapped[InsuranceClaimStatus] = mapped_column(
        enum_column(InsuranceClaimStatus, "incident_claim_status"),
        default=InsuranceClaimStatus.NONE,
    )
    claim_number: Mapped[str | None] = mapped_column(String(60))
    claim_filed_on: Mapped[date | None]
    claim_paid_yuan: Mapped[int | None]
    claim_rejection_reason: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class IncidentEvent(Base):
    """One step of an incident's timeline: who did what when. Rows are only ever appended."""

    __tablename__ = "incident_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[IncidentAction] = mapped_column(enum_column(IncidentAction, "incident_action"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The step's particulars (claim number, amount, reason, the guardian's informant).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
