"""Leave (请假): the student asks, the assigned mentor decides, and beyond a configured length
the assigned teacher decides as well; approved days and absences are counted per placement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AttendanceDay,
    LeaveKind,
    LeaveRequest,
    LeaveStatus,
    Placement,
    PlacementStatus,
    Slot,
    StaffRole,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.placements import ledger
from skillbridge.platform.services.policies import is_assigned_mentor, is_assigned_teacher
from skillbridge.platform.text import N_

from .access import leave_for, may_decide_leave, may_record, placement_for, require_scope
from .calendar import day_kind
from .days import REASON_MAX

LEAVE_KINDS = {
    LeaveKind.PERSONAL: N_("事假"),
    LeaveKind.SICK: N_("病假"),
    LeaveKind.SCHOOL: N_("返校（学校安排）"),
}
LEAVE_STATUSES = {
    LeaveStatus.PENDING_MENTOR: N_("待师傅审批"),
    LeaveStatus.PENDING_TEACHER: N_("待指导教师审批"),
    LeaveStatus.APPROVED: N_("已批准"),
    LeaveStatus.REJECTED: N_("未批准"),
}
_LIVE = (LeaveStatus.PENDING_MENTOR, LeaveStatus.PENDING_TEACHER, LeaveStatus.APPROVED)


@dataclass(frozen=True)
class LeaveInput:
    """What the student asks for: the first and last day, the kind and why."""

    start_day: date
    end_day: date
    kind: LeaveKind
    reason: str


def request_leave(
    session: Session, actor: User, placement_id: int, data: LeaveInput, teacher_above_days: int
) -> LeaveRequest:
    """The student asks for leave; longer than `teacher_above_days` days needs its teacher too."""
    placement, student = placement_for(session, actor, placement_id, may_record)
    if placement.status != PlacementStatus.ACTIVE:
        raise Conflict(N_("只有进行中的实习可以请假"))
    reason = data.reason.strip()
    problems = []
    if data.end_day < data.start_day:
        problems.append(N_("结束日期不能早于开始日期") + " end_day")
    if data.start_day < placement.start_date or data.end_day > placement.end_date:
        problems.append(N_("请假日期须在实习期内") + " start_day")
    if not reason or len(reason) > REASON_MAX:
        problems.append(N_("请填写请假事由（不超过500字）") + " reason")
    if problems:
        raise InvalidInput(problems[0], details=problems)
    overlapping = session.scalar(
        select(LeaveRequest.id).where(
            LeaveRequest.placement_id == placement.id,
            LeaveRequest.status.in_(_LIVE),
            LeaveRequest.start_day <= data.end_day,
            LeaveRequest.end_day >= data.start_day,
        )
    )
    if overlapping is not None:
        raise Conflict(N_("这些日期已有请假申请"))
    leave = LeaveRequest(
        placement_id=placement.id,
        start_day=data.start_day,
        end_day=data.end_day,
        kind=data.kind,
        reason=reason,
        requested_by_user_id=actor.id,
        status=LeaveStatus.PENDING_MENTOR,
    )
    leave.needs_teacher = leave.days > teacher_above_days
    session.add(leave)
    session.flush()
    audit.record(
        session,
        actor,
        "leave.requested",
        "leave_request",
        leave.id,
        {"start_day": data.start_day.isoformat(), "end_day": data.end_day.isoformat()},
    )
    _tell(session, [placement.mentor_user_id], N_("有待审批的请假申请"), leave, student)
    return leave


def _tell(
    session: Session, users: list[int | None], title: str, leave: LeaveRequest, student: Student
) -> None:
    notifications.notify(
        session,
        [user for user in users if user is not None],
        "leave." + leave.status.value,
        title,
        f"{student.name}：{leave.start_day.isoformat()} – {leave.end_day.isoformat()}",
        notifications.Link("attendance.placement", {"placement_id": leave.placement_id}),
    )


def decide_leave(
    session: Session, actor: User, leave_id: int, approve: bool, note: str = ""
) -> LeaveRequest:
    """The mentor's decision, then (when the leave needs it) the teacher's."""
    leave, placement, student = leave_for(session, actor, leave_id, may_decide_leave)
    if len(note) > REASON_MAX:
        raise InvalidInput(N_("审批意见不超过500字"), details=["note"])
    if leave.status == LeaveStatus.PENDING_MENTOR:
        if not is_assigned_mentor(actor, placement):
            raise PermissionDenied(N_("该请假申请待带教师傅审批"))
        leave.mentor_decided_by_user_id, leave.mentor_decided_at = actor.id, utcnow()
    elif leave.status == LeaveStatus.PENDING_TEACHER:
        if not is_assigned_teacher(actor, placement):
            raise PermissionDenied(N_("该请假申请待指导教师审批"))
        leave.teacher_decided_by_user_id, leave.teacher_decided_at = actor.id, utcnow()
    else:
        raise Conflict(N_("该请假申请已审批"))
    step = leave.status
    if not approve:
        leave.status = LeaveStatus.REJECTED
    elif step == LeaveStatus.PENDING_MENTOR and leave.needs_teacher:
        leave.status = LeaveStatus.PENDING_TEACHER
    else:
        leave.status = LeaveStatus.APPROVED
    leave.decision_note = note.strip() or leave.decision_note
    audit.record(
        session,
        actor,
        "leave.decided",
        "leave_request",
        leave.id,
        {"step": step.value, "approve": approve, "status": leave.status.value},
    )
    if leave.status == LeaveStatus.PENDING_TEACHER:
        _tell(session, [placement.teacher_user_id], N_("有待审批的请假申请"), leave, student)
    else:
        student_users = notifications.student_users(session, student.id)
        _tell(session, list(student_users), N_("你的请假申请已审批"), leave, student)
    return leave


def placement_leave(session: Session, actor: User, placement_id: int) -> list[LeaveRequest]:
    """A placement's leave requests, newest first (a placement has a handful)."""
    placement, _student = placement_for(session, actor, placement_id)
    return list(
        session.scalars(
            select(LeaveRequest)
            .where(LeaveRequest.placement_id == placement.id)
            .order_by(LeaveRequest.start_day.desc(), LeaveRequest.id.desc())
        )
    )


@dataclass(frozen=True)
class LeaveRow:
    """A leave request on a supervisor's list, with whose it is."""

    leave: LeaveRequest
    student_name: str


def _leave_row(row: AnyRow) -> LeaveRow:
    return LeaveRow(row[0], row[1])


def leave_to_decide(session: Session, actor: User, page: int = 1) -> Page[LeaveRow]:
    """Leave waiting for the actor: a mentor's first step, a teacher's second."""
    statement = (
        select(LeaveRequest, Student.name)
        .join(Placement, Placement.id == LeaveRequest.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(require_scope(actor), LeaveRequest.status == pending_step(actor))
        .order_by(LeaveRequest.start_day, LeaveRequest.id)
    )
    return paginate(session, statement, page, _leave_row)


def pending_step(actor: User) -> LeaveStatus | None:
    """The step of leave the actor decides: a mentor the first, a teacher the second."""
    return {
        StaffRole.MENTOR: LeaveStatus.PENDING_MENTOR,
        StaffRole.TEACHER: LeaveStatus.PENDING_TEACHER,
    }.get(actor.staff_role)


@dataclass(frozen=True)
class Presence:
    """A placement's approved leave and its absences in a period."""

    leave_days: int
    absences: list[date]


def presence(
    session: Session, placement: Placement, first: date, last: date, today: date
) -> Presence:
    """Approved leave days over the whole placement, and the working days of [first, last]
    before today with neither attendance nor approved leave, nor paused (not to be worked)."""
    approved = list(
        session.scalars(
            select(LeaveRequest).where(
                LeaveRequest.placement_id == placement.id,
                LeaveRequest.status == LeaveStatus.APPROVED,
            )
        )
    )
    attended = set(
        session.scalars(
            select(AttendanceDay.day).where(
                AttendanceDay.placement_id == placement.id,
                AttendanceDay.day >= first,
                AttendanceDay.day <= last,
            )
        )
    )
    on_leave = {
        leave.start_day + timedelta(days=n) for leave in approved for n in range(leave.days)
    }
    pauses = ledger.placement_pauses(session, placement.id)
    absences = []
    day = max(first, placement.start_date)
    end = min(last, placement.end_date, today - timedelta(days=1))
    while day <= end:
        if (
            day_kind(day).working_day
            and day not in attended
            and day not in on_leave
            and not ledger.paused_on(pauses, day)
        ):
            absences.append(day)
        day += timedelta(days=1)
    # Leave approved before an early end may reach past it; only days of the placement count.
    inside = sum(1 for d in on_leave if placement.start_date <= d <= placement.end_date)
    return Presence(inside, absences)
