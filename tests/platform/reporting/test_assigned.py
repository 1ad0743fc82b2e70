"""Teachers' and mentors' home pages: their own students, each with what waits for it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from skillbridge.models import (
    LeaveKind,
    PlacementAgreement,
    PlacementAgreementKind,
    PlacementStatus,
    Role,
    StaffRole,
    Student,
)
from skillbridge.platform.services import paging
from skillbridge.platform.services.attendance import days, leave
from skillbridge.platform.services.journals import entries
from skillbridge.platform.services.reporting.assigned import assigned_placements
from skillbridge.platform.services.reporting.todo import placement_steps

SCHOOL_TO_SIGN = "待学校签署的实习协议"
HOST_TO_SIGN = "待企业签署的实习协议"


@pytest.fixture
def team(session, factories):  # type: ignore[no-untyped-def]
    """Two teachers and two mentors; placements 0–1 are the first pair's, 2 the second pair's.

    No agreement is signed yet, so the school's and the host's signing steps wait for each."""
    region = factories.region()
    school, enterprise = factories.school(region), factories.enterprise(region)
    users = {
        "school": factories.user(Role.SCHOOL, school_id=school.id),
        "teacher": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "teacher2": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "mentor": factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "mentor2": factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
    }
    slot = factories.slot(enterprise, seats=3)
    placements = []
    for index in range(3):
        first = index < 2
        placement = factories.placement(
            factories.student(school), slot, status=PlacementStatus.ACCEPTED
        )
        placement.teacher_user_id = users["teacher" if first else "teacher2"].id
        placement.mentor_user_id = users["mentor" if first else "mentor2"].id
        session.add(
            PlacementAgreement(
                placement_id=placement.id, kind=PlacementAgreementKind.TRIPARTITE_INTERNSHIP
            )
        )
        placements.append(placement)
    session.commit()
    return users, placements


def test_the_teacher_sees_its_students_with_what_waits_for_each(session, team):  # type: ignore[no-untyped-def]
    users, placements = team
    teacher = users["teacher"]
    listing = assigned_placements(session, teacher, placement_steps(session, teacher))
    assert [row.context.placement.id for row in listing.items] == [
        placements[1].id,
        placements[0].id,
    ]
    for row in listing.items:
        assert [(item.label, item.count) for item in row.due] == [(SCHOOL_TO_SIGN, 1)]
    other = assigned_placements(
        session, users["teacher2"], placement_steps(session, users["teacher2"])
    )
    assert [row.context.placement.id for row in other.items] == [placements[2].id]


def test_the_home_pages_show_own_students_and_their_due_steps_only(session, team, login_as):  # type: ignore[no-untyped-def]
    users, placements = team
    mine, theirs = placements[0], placements[2]
    page = login_as(users["teacher"]).get("/dashboard").get_data(as_text=True)
    assert f"#{mine.id}<" in page and f"#{theirs.id}<" not in page
    names = {p.id: session.get(Student, p.student_id).name for p in (mine, theirs)}
    assert names[mine.id] in page and names[theirs.id] not in page
    assert SCHOOL_TO_SIGN in page and HOST_TO_SIGN not in page
    # The school's signing is not the teacher's step: no badge and no link to a closed page.
    assert 'title="待办事项"' not in page and 'href="/placements/"' not in page

    page = login_as(users["mentor"]).get("/dashboard").get_data(as_text=True)
    assert f"#{mine.id}<" in page and f"#{theirs.id}<" not in page
    assert HOST_TO_SIGN in page and SCHOOL_TO_SIGN not in page

    # Positive control: the school's admin has the step on its own to-do list and badge.
    page = login_as(users["school"]).get("/dashboard").get_data(as_text=True)
    assert SCHOOL_TO_SIGN in page and 'title="待办事项">3</span>' in page


def test_the_list_pages(session, team, login_as, monkeypatch):  # type: ignore[no-untyped-def]
    users, placements = team
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    client = login_as(users["teacher"])
    first = client.get("/dashboard").get_data(as_text=True)
    second = client.get("/dashboard?page=2").get_data(as_text=True)
    assert f"#{placements[1].id}<" in first and f"#{placements[0].id}<" not in first
    assert f"#{placements[0].id}<" in second and SCHOOL_TO_SIGN in second


def test_the_supervisors_rows_name_the_journals_days_and_leave_waiting(session, world, factories):  # type: ignore[no-untyped-def]
    """What waits during the placement is attributed to its row, not only to the to-do list."""
    mentor = factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id)
    teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    placement = factories.placement(
        world.student,
        factories.slot(world.enterprise),
        status=PlacementStatus.ACTIVE,
        start_date=date(2024, 1, 1),
        end_date=date(2027, 6, 30),
    )
    placement.mentor_user_id, placement.teacher_user_id = mentor.id, teacher.id
    session.flush()
    student = world.users["student"]
    text = entries.JournalText("车床对刀", "量具使用", "无")
    entries.save_journal(
        session, student, placement.id, 2024, 19, text, date(2024, 5, 9), submit=True
    )
    days.check_in(session, student, placement.id, datetime(2024, 5, 6, 8))
    days.check_out(session, student, placement.id, datetime(2024, 5, 6, 17))
    short = leave.LeaveInput(date(2024, 5, 20), date(2024, 5, 20), LeaveKind.SICK, "发烧")
    long = leave.LeaveInput(date(2024, 6, 3), date(2024, 6, 7), LeaveKind.SCHOOL, "返校考试")
    leave.request_leave(session, student, placement.id, short, 3)
    to_teacher = leave.request_leave(session, student, placement.id, long, 3)
    leave.decide_leave(session, mentor, to_teacher.id, True)
    session.commit()

    def row_due(user):  # type: ignore[no-untyped-def]
        (row,) = assigned_placements(session, user, placement_steps(session, user)).items
        return {(item.label, item.count) for item in row.due}

    assert row_due(mentor) == {("待审阅的周志", 1), ("待确认的考勤", 1), ("待审批的请假", 1)}
    assert row_due(teacher) == {("待审批的请假", 1)}
