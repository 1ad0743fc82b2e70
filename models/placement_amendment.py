"""Amendments of a running placement's agreement: proposed terms, signed anew, applied when all sign."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class AmendmentStatus(enum.StrEnum):
    """Pending until every party signed (applied), or withdrawn, or refused when applied (R1)."""

    PENDING = "pending"
    APPLIED = "applied"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"


class PlacementAmendment(CreatedAtMixin, Base):
    """A proposed change of an active placement's terms (its end date), shown as a new version
    of its agreement (`version_id`) that supersedes the version in force (`previous_version_id`,
    current again if the amendment is withdrawn or refused)."""

    __tablename__ = "placement_amendment"
    __table_args__ = (
        # One amendment at a time per placement, whatever two proposals race.
        Index(
            "uq_placement_amendment_pending",
            "placement_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    status: Mapped[AmendmentStatus] = mapped_column(
        enum_column(AmendmentStatus, "amendment_status"), default=AmendmentStatus.PENDING
    )
    old_end_date: Mapped[date]
    new_end_date: Mapped[date]
    # The months the cap counts of the placement under the new terms, as the version shows them.
    new_months: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"))
    previous_version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Why an amendment all had signed could not take effect (the cap's message).
    refusal: Mapped[str | None] = mapped_column(String(500))
