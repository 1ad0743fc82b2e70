"""Placements: one student on one slot for a period, from offer to the end of the internship."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column
from .placement_change import EndReason


class PlacementStatus(enum.StrEnum):
    """offered → accepted → active → ended; offered → declined | expired; any → cancelled."""

    PROPOSED = "proposed"  # in an unpublished run
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


# Statuses that hold a seat and (for post internships) consume months under the cap.
SEAT_HOLDING = (PlacementStatus.ACCEPTED, PlacementStatus.ACTIVE, PlacementStatus.ENDED)


class Placement(CreatedAtMixin, Base):
    """A placement; `months` are the months it consumes under R1 when `counts_toward_cap`."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint("months >= 0", name="months_nonnegative"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        # A student holds at most one live offer or placement on the same slot (proposals of
        # unpublished runs are not live: several runs may propose the same pair).
        Index(
            "uq_placement_live_student_slot",
            "student_id",
            "slot_id",
            unique=True,
            postgresql_where=text("status IN ('offered','accepted','active')"),
            sqlite_where=text("status IN ('offered','accepted','active')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), index=True)
    # Who supervises: the enterprise's mentor (师傅) and the school's teacher (指导教师).
    mentor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    teacher_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[PlacementStatus] = mapped_column(
        enum_column(PlacementStatus, "placement_status"), default=PlacementStatus.PROPOSED
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    months: Mapped[int]
    counts_toward_cap: Mapped[bool] = mapped_column(default=False)
    offer_deadline: Mapped[date | None]
    score: Mapped[int] = mapped_column(default=0)
    score_breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The day it actually started (start_placement), from which its worked months count (R1).
    started_on: Mapped[date | None]
    # Why it ended before its planned end (终止 / 转岗), and the placement it continues, if any.
    planned_end_date: Mapped[date | None]  # the planned end, kept when it ended early
    end_reason: Mapped[EndReason | None] = mapped_column(enum_column(EndReason, "end_reason"))
    end_note: Mapped[str | None] = mapped_column(String(500))
    transferred_from_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"), index=True)
