"""Vocational skill certificates (职业技能等级证书) held by any person, with their verification."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column
from .student import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN


class CertificateStatus(enum.StrEnum):
    """declared (entered by the holder or an organisation) → verified or rejected by the bureau.

    `imported` certificates come from the appraisal body's own list and count as verified.
    """

    DECLARED = "declared"
    VERIFIED = "verified"
    REJECTED = "rejected"
    IMPORTED = "imported"


# Statuses whose certificates subsidy facts may rely on.
TRUSTED_CERTIFICATE = (CertificateStatus.VERIFIED, CertificateStatus.IMPORTED)


class Certificate(CreatedAtMixin, Base):
    """One certificate: holder, occupation, level on the 8-step ladder, issuer, date, number."""

    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint(
            f"level BETWEEN {SKILL_LEVEL_MIN} AND {SKILL_LEVEL_MAX}", name="level_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupation.id"))
    level: Mapped[int]
    issued_on: Mapped[date]
    number: Mapped[str] = mapped_column(String(40), unique=True)
    issuer: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus, "certificate_status"), default=CertificateStatus.DECLARED
    )
    verified_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
