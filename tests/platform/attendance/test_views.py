"""The pages: a student checks in and out with one big button each, supervisors see the days,
the location only the school's side, the mentor corrects and decides leave."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from skillbridge.models import AttendanceDay, DayStatus, LeaveRequest, LeaveStatus
from skillbridge.platform.views import attendance as attendance_views


def test_the_student_checks_in_and_out_on_its_phone(
    login_as, session, internship, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    clock = [datetime(2024, 5, 13, 8)]
    monkeypatch.setattr(attendance_views, "china_now", lambda: clock[0])
    client = login_as(internship.student)
    page = client.get("/attendance/").get_data(as_text=True)
    assert "btn-lg w-100" in page and 'data-geolocation="1"' in page
    assert "/static/geolocation.js" in page and "<script>" not in page  # no inline script
    check_in = f"/attendance/placements/{internship.placement.id}/check-in"
    answer = client.post(
        check_in, data={"consent": "y", "latitude": "31.2389", "longitude": "120.6"}
    )
    assert answer.status_code == 302
    assert client.post(check_in, data={}).status_code == 409  # once a day
    check_out = f"/attendance/placements/{internship.placement.id}/check-out"
    clock[0] = datetime(2024, 5, 13, 17)
    assert client.post(check_out, data={}).status_code == 302
    day = session.scalars(select(AttendanceDay)).one()
    assert day.status == DayStatus.RECORDED and str(day.latitude) == "31.24"
    assert day.minutes == 540


def test_the_location_is_shown_to_the_school_side_only(login_as, session, internship) -> None:  # type: ignore[no-untyped-def]
    client = login_as(internship.student)
    page = client.get("/attendance/").get_data(as_text=True)
    assert f"/attendance/placements/{internship.placement.id}/check-in" in page
    client.post(
        f"/attendance/placements/{internship.placement.id}/check-in",
        data={"consent": "y", "latitude": "31.2389", "longitude": "120.6"},
    )
    page = client.get("/attendance/").get_data(as_text=True)
    assert f"/attendance/placements/{internship.placement.id}/check-out" in page
    url = f"/attendance/placements/{internship.placement.id}"
    for viewer, shown in (
        (internship.teacher, True),
        (internship.school, True),
        (internship.mentor, False),
        (internship.enterprise, False),
        (internship.student, False),
    ):
        page = login_as(viewer).get(url)
        assert page.status_code == 200
        assert ("31.24, 120.60" in page.get_data(as_text=True)) == shown, viewer.staff_role
    assert login_as(internship.other_mentor).get(url).status_code == 404


def test_the_mentor_corrects_a_day_and_decides_leave(login_as, session, internship) -> None:  # type: ignore[no-untyped-def]
    student = login_as(internship.student)
    pid = internship.placement.id
    student.post(f"/attendance/placements/{pid}/check-in", data={})
    day_id = session.scalar(select(AttendanceDay.id))
    mentor = login_as(internship.mentor)
    assert "更正考勤" in mentor.get(f"/attendance/days/{day_id}").get_data(as_text=True)
    answer = mentor.post(
        f"/attendance/days/{day_id}/correct",
        data={"check_in": "08:00", "check_out": "17:00", "reason": "忘记签退"},
    )
    assert answer.status_code == 302
    assert mentor.post(f"/attendance/days/{day_id}/correct", data={}).status_code == 400
    # A teacher may look but not correct.
    teacher = login_as(internship.teacher)
    assert (
        teacher.post(
            f"/attendance/days/{day_id}/correct",
            data={"check_in": "08:00", "check_out": "17:00", "reason": "x"},
        ).status_code
        == 403
    )
    start = date.today().replace(day=1).isoformat()
    answer = student.post(
        f"/attendance/placements/{pid}/leave",
        data={"start_day": start, "end_day": start, "kind": "personal", "reason": "家中有事"},
    )
    assert answer.status_code == 302
    session.rollback()  # end the read snapshot taken before the requests
    leave_id = session.scalar(select(LeaveRequest.id))
    home = mentor.get("/dashboard").get_data(as_text=True)
    assert "待审批的请假" in home
    assert (
        mentor.post(f"/attendance/leave/{leave_id}/decide", data={"approve": "通过"}).status_code
        == 302
    )
    session.rollback()
    assert session.get(LeaveRequest, leave_id).status == LeaveStatus.APPROVED
