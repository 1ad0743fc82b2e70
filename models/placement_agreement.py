"""The agreement each placement carries: 三方实习协议 or 学生学徒培养协议, and its signatures."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, enum_column
from .signature import DocumentKind, DocumentVersion, Signature


class PlacementAgreementKind(enum.StrEnum):
    """Tripartite internship agreement (N5) or student-apprentice training agreement (R5)."""

    TRIPARTITE_INTERNSHIP = "tripartite_internship"
    APPRENTICE_TRAINING = "apprentice_training"


class FilingStatus(enum.StrEnum):
    """State of the internship plan's filing with the bureau (R2)."""

    NOT_FILED = "not_filed"
    FILED = "filed"
    APPROVED = "approved"
    REJECTED = "rejected"


class PlacementAgreement(CreatedAtMixin, Base):
    """One per placement; insurance (R4, N6), guardian consent (N5) and plan filing (R2)."""

    __tablename__ = "placement_agreement"
    __table_args__ = (
        CheckConstraint("insurance_end >= insurance_start", name="insurance_period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), unique=True)
    kind: Mapped[PlacementAgreementKind] = mapped_column(
        enum_column(PlacementAgreementKind, "placement_agreement_kind")
    )
    insurer: Mapped[str | None] = mapped_column(String(120))
    insurance_policy_no: Mapped[str | None] = mapped_column(String(60))
    insurance_start: Mapped[date | None]
    insurance_end: Mapped[date | None]
    insurance_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    insurance_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    guardian_consent: Mapped[bool] = mapped_column(default=False)
    guardian_name: Mapped[str | None] = mapped_column(String(60))
    guardian_consent_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id")
    )
    guardian_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    internship_plan: Mapped[str] = mapped_column(Text, default="")
    plan_status: Mapped[FilingStatus] = mapped_column(
        enum_column(FilingStatus, "plan_filing_status"), default=FilingStatus.NOT_FILED
    )
    plan_decision_reason: Mapped[str | None] = mapped_column(Text)
    plan_filed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    plan_filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    plan_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    plan_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The signatures on the agreement's current version; older versions keep theirs.
    signatures: Mapped[list[Signature]] = relationship(
        secondary="document_version",
        primaryjoin=lambda: and_(
            DocumentVersion.kind == DocumentKind.PLACEMENT_AGREEMENT,
            DocumentVersion.subject_id == PlacementAgreement.id,
            DocumentVersion.superseded_at.is_(None),
        ),
        secondaryjoin=lambda: Signature.version_id == DocumentVersion.id,
        order_by=lambda: Signature.signed_at,
        viewonly=True,
    )
