"""Changes to a running placement: pauses (months stop counting) and why a placement ended early."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin


class EndReason(enum.StrEnum):
    """Why a placement ended before its planned end (终止 / 转岗); `other` needs a text."""

    STUDENT_REQUEST = "student_request"
    HOST_CLOSURE = "host_closure"
    SAFETY = "safety"
    MISCONDUCT = "misconduct"
    HEALTH = "health"
    MUTUAL_AGREEMENT = "mutual_agreement"
    TRANSFER = "transfer"
    OTHER = "other"


class PlacementPause(CreatedAtMixin, Base):
    """A pause (暂停) of an active placement from `starts_on`; open while `ends_on` is NULL.

    The days from `starts_on` up to the day before `ends_on` (the resumption day) are not worked.
    """

    __tablename__ = "placement_pause"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        # At most one open pause per placement, whatever two requests race.
        Index(
            "uq_placement_pause_open",
            "placement_id",
            unique=True,
            postgresql_where=text("ends_on IS NULL"),
            sqlite_where=text("ends_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    reason: Mapped[str] = mapped_column(String(500))
    paused_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resumed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
