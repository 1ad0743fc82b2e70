"""Check-in and check-out by the student; confirmation and audited correction by the mentor."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from skillbridge.models import AuditEvent, DayStatus, Notification, PlacementStatus
from skillbridge.platform.services.attendance import days
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied

MORNING = datetime(2024, 5, 11, 8, 0)  # a 调休 Saturday: a working day


def test_check_in_and_out_record_the_day_with_its_flags(session, internship) -> None:  # type: ignore[no-untyped-def]
    location = days.coarse_location(True, "31.23456", "121.47349")
    day = days.check_in(session, internship.student, internship.placement.id, MORNING, location)
    assert (day.day, day.status, day.rest_day) == (date(2024, 5, 11), DayStatus.CHECKED_IN, False)
    assert (day.latitude, day.longitude) == (Decimal("31.23"), Decimal("121.47"))
    day = days.check_out(
        session, internship.student, internship.placement.id, MORNING.replace(hour=17)
    )
    assert (day.minutes, day.night_minutes, day.status) == (540, 0, DayStatus.RECORDED)
    session.commit()
    assert session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc())) == (
        "attendance.checked_out"
    )


def test_a_holiday_check_in_is_flagged(session, internship) -> None:  # type: ignore[no-untyped-def]
    day = days.check_in(
        session, internship.student, internship.placement.id, datetime(2024, 10, 1, 9)
    )
    assert (day.rest_day, day.statutory_holiday, day.calendar_known) == (True, True, True)


def test_a_night_shift_is_checked_out_the_next_morning(session, internship) -> None:  # type: ignore[no-untyped-def]
    days.check_in(session, internship.student, internship.placement.id, datetime(2024, 5, 13, 21))
    day = days.check_out(
        session, internship.student, internship.placement.id, datetime(2024, 5, 14, 5)
    )
    assert (day.day, day.minutes, day.night_minutes) == (date(2024, 5, 13), 480, 420)


def test_location_only_with_consent_and_valid(session, internship) -> None:  # type: ignore[no-untyped-def]
    assert days.coarse_location(False, "31.2", "121.4") is None
    assert days.coarse_location(True, "", "") is None
    with pytest.raises(InvalidInput) as error:
        days.coarse_location(True, "91", "121")
    assert error.value.details == ["latitude"]
    with pytest.raises(InvalidInput):
        days.coarse_location(True, "31", "abc")


def test_one_check_in_a_day_and_no_check_out_without_one(session, internship) -> None:  # type: ignore[no-untyped-def]
    pid = internship.placement.id
    with pytest.raises(Conflict):
        days.check_out(session, internship.student, pid, MORNING)
    days.check_in(session, internship.student, pid, MORNING)
    with pytest.raises(Conflict):
        days.check_in(session, internship.student, pid, MORNING.replace(hour=9))


def test_only_the_student_checks_in_and_only_on_an_active_placement(  # type: ignore[no-untyped-def]
    session, internship, world, make_user
) -> None:
    pid = internship.placement.id
    with pytest.raises(PermissionDenied):
        days.check_in(session, internship.mentor, pid, MORNING)
    with pytest.raises(NotFound):
        days.check_in(session, internship.other_mentor, pid, MORNING)
    with pytest.raises(Conflict):
        days.check_in(session, internship.student, pid, datetime(2023, 12, 1, 8))
    internship.placement.status = PlacementStatus.ENDED
    with pytest.raises(Conflict):
        days.check_in(session, internship.student, pid, MORNING)


def _recorded(session, internship):  # type: ignore[no-untyped-def]
    pid = internship.placement.id
    days.check_in(session, internship.student, pid, MORNING)
    return days.check_out(session, internship.student, pid, MORNING.replace(hour=16))


def test_the_assigned_mentor_confirms_a_recorded_day(session, internship) -> None:  # type: ignore[no-untyped-def]
    day = _recorded(session, internship)
    for outsider, error in (
        (internship.teacher, PermissionDenied),
        (internship.other_mentor, NotFound),
        (internship.student, PermissionDenied),
    ):
        with pytest.raises(error):
            days.confirm_day(session, outsider, day.id)
    confirmed = days.confirm_day(session, internship.mentor, day.id)
    assert confirmed.status == DayStatus.CONFIRMED
    assert confirmed.confirmed_by_user_id == internship.mentor.id
    with pytest.raises(Conflict):
        days.confirm_day(session, internship.mentor, day.id)


def test_a_correction_keeps_the_original_and_is_audited(session, internship) -> None:  # type: ignore[no-untyped-def]
    day = _recorded(session, internship)
    with pytest.raises(InvalidInput):
        days.correct_day(session, internship.mentor, day.id, time(8), time(17), " ")
    with pytest.raises(PermissionDenied):
        days.correct_day(session, internship.teacher, day.id, time(8), time(17), "漏记")
    days.correct_day(session, internship.mentor, day.id, time(8), time(18, 30), "加班未记")
    corrected = days.correct_day(session, internship.mentor, day.id, time(8), time(17), "再核")
    assert corrected.status == DayStatus.CORRECTED
    assert (corrected.original_check_in_at, corrected.original_check_out_at) == (
        MORNING,
        MORNING.replace(hour=16),
    )
    assert (corrected.minutes, corrected.correction_reason) == (540, "再核")
    session.commit()
    audited = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "attendance.corrected")
    ).all()
    assert len(audited) == 2 and "加班未记" in audited[0].payload
    assert session.scalar(
        select(Notification.id).where(Notification.kind == "attendance.corrected")
    )


def test_lists_hold_each_account_its_own(session, internship, world) -> None:  # type: ignore[no-untyped-def]
    _recorded(session, internship)
    session.commit()
    for user in (internship.mentor, internship.teacher, internship.school, internship.enterprise):
        assert days.list_days(session, user).total == 1
    assert days.list_days(session, internship.mentor, to_confirm=True).total == 1
    for user in (internship.other_mentor, internship.other_teacher):
        assert days.list_days(session, user).total == 0
    with pytest.raises(PermissionDenied):
        days.list_days(session, world.users["bureau"])
    month = days.month_days(session, internship.student, internship.placement.id, date(2024, 5, 1))
    assert [d.day for d in month] == [date(2024, 5, 11)]
