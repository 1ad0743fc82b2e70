"""Three weeks of attendance, played through the services: check-ins and check-outs, one late
evening (an N7 flag), the mentor's confirmations and one correction, and a leave request
waiting for the mentor.

On the demo student's active placement; while it has none (its first placement starts later),
on the first active placement the demo mentor follows, so mentor@, teacher@ and school@ show
the pages with data.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import AttendanceDay, LeaveKind, Placement, PlacementStatus, User
from skillbridge.platform.demo.region import DEMO_LOGINS
from skillbridge.platform.services.attendance import days, leave
from skillbridge.platform.services.attendance.calendar import day_kind

DEMO_WEEKS = 3
ARRIVAL, DEPARTURE, LATE = time(8, 30), time(16, 30), time(19, 0)
# The demo shares no real position: a point in Wujiang, as coarse as the platform stores it.
WUJIANG = days.Location(Decimal("30.98"), Decimal("120.64"))
LEAVE_ABOVE_DAYS = 3  # the default of SKILLBRIDGE_LEAVE_TEACHER_ABOVE_DAYS


def _login(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.email == DEMO_LOGINS[name])).one()


def seed_demo_attendance(session: Session, today: date) -> dict[str, int]:
    """The working days of the last weeks before `today` on the demo student's active placement."""
    demo_student, demo_mentor = _login(session, "student"), _login(session, "mentor")
    active = select(Placement).where(Placement.status == PlacementStatus.ACTIVE)
    placement = (
        session.scalars(active.where(Placement.student_id == demo_student.student_id)).first()
        or session.scalars(
            active.where(Placement.mentor_user_id == demo_mentor.id).order_by(Placement.id)
        ).first()
    )
    if placement is None:
        return {}
    student = session.scalars(select(User).where(User.student_id == placement.student_id)).first()
    if student is None:
        return {}
    mentor = session.get(User, placement.mentor_user_id) if placement.mentor_user_id else None
    first = max(placement.start_date, today - timedelta(weeks=DEMO_WEEKS))
    recorded: list[AttendanceDay] = []
    day = first
    while day < today:
        if day_kind(day).working_day:
            leaving = LATE if not recorded else DEPARTURE  # the first day ran late
            days.check_in(session, student, placement.id, datetime.combine(day, ARRIVAL), WUJIANG)
            recorded.append(
                days.check_out(session, student, placement.id, datetime.combine(day, leaving))
            )
        day += timedelta(days=1)
    if mentor is not None and len(recorded) > 1:
        reason = "实际17:00离岗，学生签退晚了"
        days.correct_day(session, mentor, recorded[1].id, ARRIVAL, time(17), reason)
        for entry in recorded[2:-2]:  # the last days still wait for the mentor
            days.confirm_day(session, mentor, entry.id)
    counts = {"attendance days": len(recorded)}
    start, end = today + timedelta(days=7), today + timedelta(days=8)
    if end <= placement.end_date:
        data = leave.LeaveInput(start, end, LeaveKind.SICK, "医院复诊")
        leave.request_leave(session, student, placement.id, data, LEAVE_ABOVE_DAYS)
        counts["leave requests"] = 1
    return counts
