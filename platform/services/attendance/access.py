"""Who reaches which placement's attendance: loading with the policy checks (404 before 403),
and the rows each account's lists hold."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AttendanceDay,
    LeaveRequest,
    Placement,
    Role,
    Slot,
    StaffRole,
    Student,
    User,
)
from skillbridge.platform.services.errors import NotFound, PermissionDenied
from skillbridge.platform.services.policies import (
    ENTERPRISE_MANAGERS,
    SCHOOL_MANAGERS,
    can_file_hours_exception,
    can_record_attendance,
    can_view_attendance,
    is_assigned_mentor,
    is_assigned_teacher,
)
from skillbridge.platform.text import N_

#: A check of what the actor may do to one placement's attendance.
May = Callable[[User, Student, Placement], bool]


def may_record(actor: User, student: Student, _placement: Placement) -> bool:
    return can_record_attendance(actor, student)


def may_confirm(actor: User, _student: Student, placement: Placement) -> bool:
    """The assigned mentor confirms or corrects the days."""
    return is_assigned_mentor(actor, placement)


def may_decide_leave(actor: User, _student: Student, placement: Placement) -> bool:
    """The assigned mentor, and for long leave the assigned teacher (the leave's state decides)."""
    return is_assigned_mentor(actor, placement) or is_assigned_teacher(actor, placement)


def may_file_exception(actor: User, student: Student, _placement: Placement) -> bool:
    return can_file_hours_exception(actor, student)


_LOADED = "attendance.placements"


@cache
def _placement_statement() -> Select[Placement, Student, int]:
    """The three rows in one statement, built once: every check-in and check-out starts here."""
    return (
        select(Placement, Student, Slot.enterprise_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(Placement.id == bindparam("placement_id"))
    )


def placement_for(
    session: Session, actor: User, placement_id: int, may: May | None = None
) -> tuple[Placement, Student]:
    """The placement and its student, if the actor sees its attendance (and `may` act on it).

    The rows are loaded once per transaction: a view checks access before it reads its form
    (404 and 403 before 400) and its service checks again, on the same identity-mapped rows.
    """
    transaction = session.get_transaction()
    kept = session.info.get(_LOADED)
    if kept is None or kept[0] is not transaction:
        kept = session.info[_LOADED] = (transaction, {})
    loaded: dict[int, tuple[Placement, Student, int]] = kept[1]
    if placement_id not in loaded:
        found = session.execute(
            _placement_statement(), {"placement_id": placement_id}
        ).one_or_none()
        if found is None:
            raise NotFound(N_("实习不存在"))
        placement, student, enterprise_id = found
        loaded[placement_id] = (placement, student, enterprise_id)
    placement, student, enterprise_id = loaded[placement_id]
    if not can_view_attendance(actor, student, placement, enterprise_id):
        raise NotFound(N_("实习不存在"))
    if may is not None and not may(actor, student, placement):
        raise PermissionDenied(N_("无权办理该实习的考勤"))
    return placement, student


def day_for(
    session: Session, actor: User, day_id: int, may: May | None = None
) -> tuple[AttendanceDay, Placement, Student]:
    """An attendance day with its placement and student, under the same checks."""
    day = session.get(AttendanceDay, day_id)
    if day is None:
        raise NotFound(N_("考勤记录不存在"))
    try:
        placement, student = placement_for(session, actor, day.placement_id, may)
    except NotFound as exc:
        raise NotFound(N_("考勤记录不存在")) from exc
    return day, placement, student


def leave_for(
    session: Session, actor: User, leave_id: int, may: May | None = None
) -> tuple[LeaveRequest, Placement, Student]:
    """A leave request with its placement and student, under the same checks."""
    leave = session.get(LeaveRequest, leave_id)
    if leave is None:
        raise NotFound(N_("请假申请不存在"))
    try:
        placement, student = placement_for(session, actor, leave.placement_id, may)
    except NotFound as exc:
        raise NotFound(N_("请假申请不存在")) from exc
    return leave, placement, student


def scope(actor: User) -> ColumnElement[bool] | None:
    """The placements whose attendance the actor's lists hold (joined with Student and Slot)."""
    if actor.role == Role.STUDENT:
        return Placement.student_id == actor.student_id
    if actor.role == Role.ENTERPRISE and actor.staff_role == StaffRole.MENTOR:
        return Placement.mentor_user_id == actor.id
    if actor.role == Role.SCHOOL and actor.staff_role == StaffRole.TEACHER:
        return Placement.teacher_user_id == actor.id
    if actor.role == Role.SCHOOL and actor.staff_role in SCHOOL_MANAGERS:
        return Student.school_id == actor.school_id
    if actor.role == Role.ENTERPRISE and actor.staff_role in ENTERPRISE_MANAGERS:
        return Slot.enterprise_id == actor.enterprise_id
    return None


def require_scope(actor: User) -> ColumnElement[bool]:
    """The actor's scope; an account outside attendance (a bureau) is refused."""
    found = scope(actor)
    if found is None:
        raise PermissionDenied(N_("无权查看考勤"))
    return found
