"""Attendance during a placement: one day's check-in and check-out, leave requests, and the
exceptions to the working-time rule N7 a school filed (备案).

Times are wall-clock times in China (Asia/Shanghai), stored without a zone: every placement is
in China, and the N7 checks (night hours, the day's date) read the local clock.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column

#: Coarse coordinates: two decimals of a degree (about 1 km).
COORDINATE = Numeric(5, 2)


class DayStatus(enum.StrEnum):
    """checked_in → recorded (checked out) → confirmed | corrected (by the mentor)."""

    CHECKED_IN = "checked_in"
    RECORDED = "recorded"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


class AttendanceDay(CreatedAtMixin, Base):
    """One placement's attendance on one day; the database allows one row per placement and day.

    `minutes`, `night_minutes` and the calendar flags are derived when the times are set, so
    the N7 check reads them in SQL. A correction keeps the student's own times in `original_*`.
    """

    __tablename__ = "attendance_day"
    __table_args__ = (
        UniqueConstraint("placement_id", "day"),
        CheckConstraint("check_out_at IS NULL OR check_out_at > check_in_at", name="times_ordered"),
        CheckConstraint("minutes >= 0 AND night_minutes >= 0", name="minutes_nonnegative"),
        CheckConstraint("night_minutes <= minutes", name="night_within_minutes"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="location_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    day: Mapped[date]
    check_in_at: Mapped[datetime] = mapped_column(DateTime())
    check_out_at: Mapped[datetime | None] = mapped_column(DateTime())
    #: Where the student checked in, only with its consent, rounded (see COORDINATE).
    latitude: Mapped[Decimal | None] = mapped_column(COORDINATE)
    longitude: Mapped[Decimal | None] = mapped_column(COORDINATE)
    minutes: Mapped[int] = mapped_column(default=0)
    night_minutes: Mapped[int] = mapped_column(default=0)
    rest_day: Mapped[bool] = mapped_column(default=False)
    statutory_holiday: Mapped[bool] = mapped_column(default=False)
    #: False for a year the holiday calendar has no data for (weekends are then the rest days).
    calendar_known: Mapped[bool] = mapped_column(default=True)
    status: Mapped[DayStatus] = mapped_column(
        enum_column(DayStatus, "attendance_day_status"), default=DayStatus.CHECKED_IN
    )
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    original_check_in_at: Mapped[datetime | None] = mapped_column(DateTime())
    original_check_out_at: Mapped[datetime | None] = mapped_column(DateTime())
    correction_reason: Mapped[str | None] = mapped_column(String(500))


class LeaveKind(enum.StrEnum):
    """事假, 病假, 学校安排的返校."""

    PERSONAL = "personal"
    SICK = "sick"
    SCHOOL = "school"


class LeaveStatus(enum.StrEnum):
    """pending_mentor → approved, or → pending_teacher → approved; rejected at either step."""

    PENDING_MENTOR = "pending_mentor"
    PENDING_TEACHER = "pending_teacher"
    APPROVED = "approved"
    REJECTED = "rejected"


class LeaveRequest(CreatedAtMixin, Base):
    """A student's leave (请假) from its placement for a range of days.

    `needs_teacher` is fixed when the request is made, from the length then configured.
    """

    __tablename__ = "leave_request"
    __table_args__ = (CheckConstraint("end_day >= start_day", name="days_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    start_day: Mapped[date]
    end_day: Mapped[date]
    kind: Mapped[LeaveKind] = mapped_column(enum_column(LeaveKind, "leave_kind"))
    reason: Mapped[str] = mapped_column(String(500))
    needs_teacher: Mapped[bool] = mapped_column(default=False)
    status: Mapped[LeaveStatus] = mapped_column(
        enum_column(LeaveStatus, "leave_status"), default=LeaveStatus.PENDING_MENTOR
    )
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    mentor_decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    mentor_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    teacher_decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    teacher_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(String(500))

    @property
    def days(self) -> int:
        """Calendar days the leave spans, both ends included."""
        return (self.end_day - self.start_day).days + 1


class HoursException(CreatedAtMixin, Base):
    """An arrangement outside N7 (overtime, night or holiday work) that the school filed (备案)
    with the competent authority, for one placement and a range of days."""

    __tablename__ = "hours_exception"
    __table_args__ = (CheckConstraint("end_day >= start_day", name="days_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    start_day: Mapped[date]
    end_day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500))
    reference_no: Mapped[str] = mapped_column(String(100))
    filed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
