"""Check-in and check-out by the student, confirmation or correction by the mentor.

The database holds one row per placement and day (UNIQUE): of two check-ins racing for the same
day one is stored and the other refused as a Conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ExecutableReturnsRows

from skillbridge.models import (
    AttendanceDay,
    DayStatus,
    Placement,
    PlacementPause,
    PlacementStatus,
    Role,
    Slot,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.placements import ledger
from skillbridge.platform.services.upserts import bound_values, insert_select_unless_present
from skillbridge.platform.text import N_

from .access import day_for, may_confirm, may_record, placement_for, require_scope
from .calendar import CHINA, day_kind
from .hours import hours_between

#: Two decimals of a degree: about 1 km, enough to tell the workplace from elsewhere.
_COARSE = Decimal("0.01")
_RANGES = {"latitude": Decimal(90), "longitude": Decimal(180)}
# A check-out closes the day checked in today or, after a night across midnight, yesterday.
_OPEN_DAYS_BACK = 1
REASON_MAX = 500
DAY_STATUSES = {
    DayStatus.CHECKED_IN.value: N_("已签到"),
    DayStatus.RECORDED.value: N_("待师傅确认"),
    DayStatus.CONFIRMED.value: N_("师傅已确认"),
    DayStatus.CORRECTED.value: N_("师傅已更正"),
}


@dataclass(frozen=True)
class Location:
    """A coarse position the student agreed to share."""

    latitude: Decimal
    longitude: Decimal


def coarse_location(consent: bool, latitude: str, longitude: str) -> Location | None:
    """The position to store: none without consent or without a fix, else rounded to ~1 km."""
    if not consent or not (latitude.strip() and longitude.strip()):
        return None
    values = {}
    for name, raw in (("latitude", latitude), ("longitude", longitude)):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation as exc:
            raise InvalidInput(N_("位置坐标无效"), details=[name]) from exc
        if not value.is_finite() or abs(value) > _RANGES[name]:
            raise InvalidInput(N_("位置坐标无效"), details=[name])
        values[name] = value.quantize(_COARSE, rounding=ROUND_HALF_UP)
    return Location(values["latitude"], values["longitude"])


def _set_times(day: AttendanceDay, check_in: datetime, check_out: datetime | None) -> None:
    hours = hours_between(check_in, check_out)
    day.check_in_at, day.check_out_at = check_in, check_out
    day.minutes, day.night_minutes = hours.minutes, hours.night_minutes


_CHECK_IN_COLUMNS = (
    "placement_id",
    "day",
    "check_in_at",
    "minutes",
    "night_minutes",
    "latitude",
    "longitude",
    "rest_day",
    "statutory_holiday",
    "calendar_known",
    "status",
)


@cache
def _check_in_insert(dialect: str) -> ExecutableReturnsRows:
    """The day's row unless a pause covers the day or the row exists, in one statement.

    Built once per dialect: every check-in runs it, and a statement built per request cost more
    Python than its execution. The pause test is ledger.paused_on's: a pause covers its first
    day up to the day before resumption.
    """
    values = bound_values(dialect, AttendanceDay, _CHECK_IN_COLUMNS)
    placement_id, day = values[0], values[1]
    paused = exists().where(
        PlacementPause.placement_id == placement_id,
        PlacementPause.starts_on <= day,
        or_(PlacementPause.ends_on.is_(None), PlacementPause.ends_on > day),
    )
    return insert_select_unless_present(
        dialect,
        AttendanceDay,
        ["placement_id", "day"],
        _CHECK_IN_COLUMNS,
        select(*values).where(~paused),
    )


def check_in(
    session: Session,
    actor: User,
    placement_id: int,
    now: datetime,
    location: Location | None = None,
) -> AttendanceDay:
    """Record the student's arrival today (local time) on its active placement."""
    placement, _student = placement_for(session, actor, placement_id, may_record)
    today = now.date()
    if placement.status != PlacementStatus.ACTIVE:
        raise Conflict(N_("只有进行中的实习可以签到"))
    if not placement.start_date <= today <= placement.end_date:
        raise Conflict(N_("今天不在实习期内"), details=[today.isoformat()])
    kind = day_kind(today)
    arrived = now.replace(microsecond=0)
    hours = hours_between(arrived, None)
    day: AttendanceDay | None = session.scalars(
        _check_in_insert(session.get_bind().dialect.name),
        {
            "placement_id": placement.id,
            "day": today,
            "check_in_at": arrived,
            "minutes": hours.minutes,
            "night_minutes": hours.night_minutes,
            "latitude": location.latitude if location else None,
            "longitude": location.longitude if location else None,
            "rest_day": kind.rest_day,
            "statutory_holiday": kind.statutory_holiday,
            "calendar_known": kind.known,
            "status": DayStatus.CHECKED_IN,
        },
    ).one_or_none()
    if day is None:
        # Nothing stored: a pause covers today, or the day is already there (the UNIQUE key).
        if ledger.paused_on(ledger.placement_pauses(session, placement.id), today):
            raise Conflict(N_("实习暂停中，暂停期间不能签到"), details=[today.isoformat()])
        raise Conflict(N_("今天已经签到"), details=[today.isoformat()])
    audit.record(
        session,
        actor,
        "attendance.checked_in",
        "attendance_day",
        day.id,
        {"placement_id": placement.id, "day": today.isoformat(), "located": location is not None},
    )
    return day


def check_out(session: Session, actor: User, placement_id: int, now: datetime) -> AttendanceDay:
    """Record the student's departure, closing its open day (today's or last night's)."""
    placement, _student = placement_for(session, actor, placement_id, may_record)
    day = session.scalars(
        select(AttendanceDay)
        .where(
            AttendanceDay.placement_id == placement.id,
            AttendanceDay.status == DayStatus.CHECKED_IN,
            AttendanceDay.day >= now.date() - timedelta(days=_OPEN_DAYS_BACK),
        )
        .order_by(AttendanceDay.day.desc())
        .with_for_update()
    ).first()
    if day is None:
        raise Conflict(N_("尚未签到，不能签退"))
    leaving = now.replace(microsecond=0)
    if leaving <= day.check_in_at:
        raise InvalidInput(N_("签退时间须晚于签到时间"), details=["check_out"])
    _set_times(day, day.check_in_at, leaving)
    day.status = DayStatus.RECORDED
    audit.record(
        session,
        actor,
        "attendance.checked_out",
        "attendance_day",
        day.id,
        {"minutes": day.minutes, "night_minutes": day.night_minutes},
    )
    return day


def confirm_day(session: Session, actor: User, day_id: int) -> AttendanceDay:
    """The assigned mentor confirms a day the student checked out of."""
    day, _placement, _student = day_for(session, actor, day_id, may_confirm)
    if day.status != DayStatus.RECORDED:
        raise Conflict(N_("只有已签退、未确认的考勤可以确认"))
    day.status = DayStatus.CONFIRMED
    day.confirmed_by_user_id, day.confirmed_at = actor.id, utcnow()
    audit.record(session, actor, "attendance.confirmed", "attendance_day", day.id)
    return day


def corrected_times(day: date, check_in: time, check_out: time) -> tuple[datetime, datetime]:
    """A day's times from two clock times: a check-out not after the check-in is next morning's."""
    start = datetime.combine(day, check_in)
    end = datetime.combine(day, check_out)
    if end <= start:
        end += timedelta(days=1)
    return start, end


def correct_day(
    session: Session, actor: User, day_id: int, check_in: time, check_out: time, reason: str
) -> AttendanceDay:
    """The assigned mentor sets a day's times, with a reason; the student's own times are kept."""
    day, placement, student = day_for(session, actor, day_id, may_confirm)
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(N_("请填写更正原因（不超过500字）"), details=["reason"])
    start, end = corrected_times(day.day, check_in, check_out)
    before = {
        "check_in_at": day.check_in_at.isoformat(),
        "check_out_at": day.check_out_at.isoformat() if day.check_out_at else None,
    }
    if day.original_check_in_at is None:
        day.original_check_in_at, day.original_check_out_at = day.check_in_at, day.check_out_at
    _set_times(day, start, end)
    day.status, day.correction_reason = DayStatus.CORRECTED, reason
    day.confirmed_by_user_id, day.confirmed_at = actor.id, utcnow()
    audit.record(
        session,
        actor,
        "attendance.corrected",
        "attendance_day",
        day.id,
        {
            "before": before,
            "after": {"check_in_at": start.isoformat(), "check_out_at": end.isoformat()},
            "reason": reason,
        },
    )
    notifications.notify(
        session,
        notifications.student_users(session, student.id),
        "attendance.corrected",
        N_("带教师傅更正了你的考勤"),
        f"{day.day.isoformat()}：{reason}",
        notifications.Link("attendance.placement", {"placement_id": placement.id}),
    )
    return day


def month_days(
    session: Session, actor: User, placement_id: int, month: date
) -> list[AttendanceDay]:
    """A placement's days in the month starting at `month` (a month holds at most 31 rows)."""
    placement, _student = placement_for(session, actor, placement_id)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return list(
        session.scalars(
            select(AttendanceDay)
            .where(
                AttendanceDay.placement_id == placement.id,
                AttendanceDay.day >= month,
                AttendanceDay.day < following,
            )
            .order_by(AttendanceDay.day)
        )
    )


@dataclass(frozen=True)
class DayRow:
    """A day on a supervisor's list, with whose it is."""

    day: AttendanceDay
    student_name: str
    student_id: int

    @property
    def checked_in(self) -> datetime:
        """The check-in with its offset: the rows hold China's wall-clock time."""
        return self.day.check_in_at.replace(tzinfo=CHINA)

    @property
    def checked_out(self) -> datetime | None:
        out = self.day.check_out_at
        return None if out is None else out.replace(tzinfo=CHINA)

    @property
    def mentor_confirmed(self) -> bool:
        """The mentor confirmed the day as recorded, or corrected it."""
        return self.day.status in (DayStatus.CONFIRMED, DayStatus.CORRECTED)


def _day_row(row: AnyRow) -> DayRow:
    return DayRow(row[0], row[1], row[2])


@dataclass(frozen=True)
class DayFilter:
    """Which days a list holds: of one placement, from and to a date (each bound included)."""

    placement_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    to_confirm: bool = False


def list_days(
    session: Session, actor: User, page: int = 1, to_confirm: bool = False
) -> Page[DayRow]:
    """The days of every placement the actor supervises, newest first, with the student's name."""
    return filtered_days(session, actor, DayFilter(to_confirm=to_confirm), page)


def filtered_days(session: Session, actor: User, only: DayFilter, page: int = 1) -> Page[DayRow]:
    """The days of the placements whose attendance the actor's lists hold, `only` those asked."""
    statement = (
        select(AttendanceDay, Student.name, Student.id)
        .join(Placement, Placement.id == AttendanceDay.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(require_scope(actor))
        .order_by(AttendanceDay.day.desc(), AttendanceDay.id.desc())
    )
    if only.to_confirm:
        statement = statement.where(AttendanceDay.status == DayStatus.RECORDED)
    if only.placement_id is not None:
        statement = statement.where(AttendanceDay.placement_id == only.placement_id)
    if only.date_from is not None:
        statement = statement.where(AttendanceDay.day >= only.date_from)
    if only.date_to is not None:
        statement = statement.where(AttendanceDay.day <= only.date_to)
    return paginate(session, statement, page, _day_row)


@dataclass(frozen=True)
class TodayCard:
    """One of the student's active placements with today's row, for the check-in buttons."""

    placement: Placement
    slot_title: str
    today: AttendanceDay | None


def student_today(session: Session, actor: User, today: date) -> list[TodayCard]:
    """The student's active placements and what it recorded today on each."""
    if actor.role != Role.STUDENT:
        return []
    rows = session.execute(
        select(Placement, Slot.title, AttendanceDay)
        .join(Slot, Slot.id == Placement.slot_id)
        .outerjoin(
            AttendanceDay,
            (AttendanceDay.placement_id == Placement.id) & (AttendanceDay.day == today),
        )
        .where(
            Placement.student_id == actor.student_id,
            Placement.status == PlacementStatus.ACTIVE,
        )
        .order_by(Placement.start_date, Placement.id)
    )
    return [TodayCard(placement, title, day) for placement, title, day in rows]
