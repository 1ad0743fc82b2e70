"""Leave: the mentor decides, the teacher too beyond the configured length; days and absences."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from skillbridge.models import LeaveKind, LeaveStatus
from skillbridge.platform.services.attendance import days, leave
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.placements import lifecycle
from skillbridge.platform.services.reporting.todo import todo_items

ABOVE = 3  # the default of SKILLBRIDGE_LEAVE_TEACHER_ABOVE_DAYS


def _ask(session, internship, start: date, end: date):  # type: ignore[no-untyped-def]
    data = leave.LeaveInput(start, end, LeaveKind.SICK, "发烧")
    return leave.request_leave(session, internship.student, internship.placement.id, data, ABOVE)


def _todo(session, user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {item.label: item.count for item in todo_items(session, user)}


def test_short_leave_needs_only_the_mentor(session, internship) -> None:  # type: ignore[no-untyped-def]
    request = _ask(session, internship, date(2024, 5, 6), date(2024, 5, 8))
    assert (request.days, request.needs_teacher) == (3, False)
    session.commit()
    assert _todo(session, internship.mentor)["待审批的请假"] == 1
    with pytest.raises(PermissionDenied):
        leave.decide_leave(session, internship.teacher, request.id, True)
    with pytest.raises(NotFound):
        leave.decide_leave(session, internship.other_mentor, request.id, True)
    decided = leave.decide_leave(session, internship.mentor, request.id, True, "同意")
    assert decided.status == LeaveStatus.APPROVED
    with pytest.raises(Conflict):
        leave.decide_leave(session, internship.mentor, request.id, False)
    session.commit()
    assert "待审批的请假" not in _todo(session, internship.mentor)


def test_long_leave_needs_the_teacher_after_the_mentor(session, internship) -> None:  # type: ignore[no-untyped-def]
    request = _ask(session, internship, date(2024, 5, 6), date(2024, 5, 9))
    assert request.needs_teacher
    leave.decide_leave(session, internship.mentor, request.id, True)
    assert request.status == LeaveStatus.PENDING_TEACHER
    session.commit()
    assert _todo(session, internship.teacher)["待审批的请假"] == 1
    with pytest.raises(PermissionDenied):
        leave.decide_leave(session, internship.mentor, request.id, True)
    leave.decide_leave(session, internship.teacher, request.id, True)
    assert request.status == LeaveStatus.APPROVED
    assert request.teacher_decided_by_user_id == internship.teacher.id


def test_a_rejection_ends_the_request(session, internship) -> None:  # type: ignore[no-untyped-def]
    request = _ask(session, internship, date(2024, 5, 6), date(2024, 5, 10))
    leave.decide_leave(session, internship.mentor, request.id, False, "生产任务紧")
    assert (request.status, request.decision_note) == (LeaveStatus.REJECTED, "生产任务紧")
    # The days are free again for a new request.
    assert _ask(session, internship, date(2024, 5, 6), date(2024, 5, 6)).id


def test_bad_requests_are_refused_whole(session, internship) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as error:
        _ask(session, internship, date(2024, 5, 8), date(2024, 5, 6))
    assert "end_day" in error.value.details[0]
    with pytest.raises(InvalidInput):
        _ask(session, internship, date(2023, 12, 30), date(2024, 1, 2))
    _ask(session, internship, date(2024, 5, 6), date(2024, 5, 8))
    with pytest.raises(Conflict):
        _ask(session, internship, date(2024, 5, 8), date(2024, 5, 9))
    with pytest.raises(PermissionDenied):
        leave.request_leave(
            session,
            internship.mentor,
            internship.placement.id,
            leave.LeaveInput(date(2024, 6, 3), date(2024, 6, 3), LeaveKind.SICK, "x"),
            ABOVE,
        )


def test_absences_are_working_days_without_attendance_or_approved_leave(  # type: ignore[no-untyped-def]
    session, internship
) -> None:
    placement = internship.placement
    # May 2024: 1–5 the 劳动节 break, 11 (Saturday) a 调休 working day.
    days.check_in(session, internship.student, placement.id, datetime(2024, 5, 6, 8))
    request = _ask(session, internship, date(2024, 5, 7), date(2024, 5, 8))
    leave.decide_leave(session, internship.mentor, request.id, True)
    presence = leave.presence(
        session, placement, date(2024, 5, 1), date(2024, 5, 31), date(2024, 5, 14)
    )
    assert presence.leave_days == 2
    assert presence.absences == [
        date(2024, 5, 9),
        date(2024, 5, 10),
        date(2024, 5, 11),
        date(2024, 5, 13),
    ]


def test_leave_past_an_early_end_is_not_counted(session, internship) -> None:  # type: ignore[no-untyped-def]
    placement = internship.placement
    request = _ask(session, internship, date(2024, 5, 6), date(2024, 5, 8))
    leave.decide_leave(session, internship.mentor, request.id, True)
    whole = leave.presence(
        session, placement, date(2024, 5, 1), date(2024, 5, 31), date(2024, 5, 14)
    )
    assert whole.leave_days == 3
    ended_on = date(2024, 5, 6)  # ended early, on the leave's first day
    lifecycle.end_placement(session, internship.school, placement.id, ended_on, ended_on)
    ended = leave.presence(
        session, placement, date(2024, 5, 1), date(2024, 5, 31), date(2024, 5, 14)
    )
    assert ended.leave_days == 1
