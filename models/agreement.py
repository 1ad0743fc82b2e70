"""School–enterprise cooperation agreements (校企合作协议)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, enum_column
from .occupation import Specialty

agreement_specialty = Table(
    "agreement_specialty",
    Base.metadata,
    Column(
        "agreement_id", ForeignKey("cooperation_agreement.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("specialty_id", ForeignKey("specialty.id", ondelete="CASCADE"), primary_key=True),
)


class CooperationKind(enum.StrEnum):
    """What the school and the enterprise cooperate on."""

    INTERNSHIP_BASE = "internship_base"  # 顶岗实习基地
    ORDER_TRAINING = "order_training"  # 订单培养
    APPRENTICESHIP = "apprenticeship"  # 学徒制
    DIRECTED_TRAINING = "directed_training"  # 定向培养


class AgreementStatus(enum.StrEnum):
    """Lifecycle: proposed → accepted (or declined) → filed → approved (or rejected); later
    expired/terminated."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    FILED = "filed"
    APPROVED = "approved"
    REJECTED = "rejected"
    TERMINATED = "terminated"
    EXPIRED = "expired"


class Party(enum.StrEnum):
    """A side of an agreement."""

    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    STUDENT = "student"
    GUARDIAN = "guardian"


class CooperationAgreement(CreatedAtMixin, Base):
    """An agreement between one school and one enterprise over some specialties."""

    __tablename__ = "cooperation_agreement"
    __table_args__ = (
        CheckConstraint("valid_to >= valid_from", name="validity_ordered"),
        # A rejection or a termination is always explained to the parties.
        CheckConstraint(
            "status <> 'rejected' OR decision_reason IS NOT NULL", name="rejection_has_reason"
        ),
        CheckConstraint(
            "status <> 'terminated' OR termination_reason IS NOT NULL",
            name="termination_has_reason",
        ),
        CheckConstraint(
            "status <> 'declined' OR declined_reason IS NOT NULL", name="decline_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    kind: Mapped[CooperationKind] = mapped_column(enum_column(CooperationKind, "cooperation_kind"))
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus, "agreement_status"), default=AgreementStatus.PROPOSED
    )
    proposed_by: Mapped[Party] = mapped_column(enum_column(Party, "agreement_proposer"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    filed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    terminated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    termination_reason: Mapped[str | None] = mapped_column(Text)
    # The side that did not propose may decline, always with a reason for the proposer.
    declined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    declined_reason: Mapped[str | None] = mapped_column(Text)
    specialties: Mapped[list[Specialty]] = relationship(secondary=agreement_specialty)
