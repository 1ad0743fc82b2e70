"""Teachers and mentors: assigned in bulk by their organisation, and seeing only their own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from skillbridge.models import Notification, PlacementStatus, Role, StaffRole
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.placements import assignment
from skillbridge.platform.services.placements.records import load_placement


@pytest.fixture
def team(factories):
    """A school and an enterprise with their managers, two teachers, two mentors, 3 placements."""
    region = factories.region()
    school, enterprise = factories.school(region), factories.enterprise(region)
    users = {
        "school": factories.user(Role.SCHOOL, school_id=school.id),
        "officer": factories.user(Role.SCHOOL, StaffRole.PLACEMENT_OFFICER, school_id=school.id),
        "teacher": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "teacher2": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "hr": factories.user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=enterprise.id),
        "mentor": factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "mentor2": factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
    }
    slot = factories.slot(enterprise, seats=3)
    placements = [
        factories.placement(factories.student(school), slot, status=PlacementStatus.ACCEPTED)
        for _ in range(3)
    ]
    return users, placements


def test_a_placement_officer_assigns_a_teacher_to_many_placements(session, team):
    users, placements = team
    ids = [p.id for p in placements[:2]]
    done = assignment.assign_staff(session, users["officer"], ids, users["teacher"].id)
    assert [c.placement.teacher_user_id for c in done] == [users["teacher"].id] * 2
    assert placements[2].teacher_user_id is None
    told = session.scalars(
        select(Notification.user_id).where(Notification.kind == assignment.STAFF_ASSIGNED)
    ).all()
    assert told == [users["teacher"].id] * 2


def test_hr_assigns_a_mentor(session, team):
    users, placements = team
    assignment.assign_staff(session, users["hr"], [placements[0].id], users["mentor"].id)
    assert placements[0].mentor_user_id == users["mentor"].id


def test_a_teacher_cannot_assign_and_an_enterprise_cannot_pick_a_teacher(session, team):
    users, placements = team
    assignment.assign_staff(session, users["school"], [placements[0].id], users["teacher"].id)
    with pytest.raises(PermissionDenied):
        assignment.assign_staff(session, users["teacher"], [placements[0].id], users["teacher"].id)
    with pytest.raises(InvalidInput):
        assignment.assign_staff(session, users["hr"], [placements[0].id], users["teacher"].id)


def test_another_schools_placement_refuses_the_whole_request(session, factories, team):
    users, placements = team
    other_school = factories.school(factories.region())
    enterprise_slot = factories.slot(factories.enterprise(factories.region()))
    foreign = factories.placement(
        factories.student(other_school), enterprise_slot, status=PlacementStatus.ACCEPTED
    )
    with pytest.raises(NotFound):
        assignment.assign_staff(
            session, users["school"], [placements[0].id, foreign.id], users["teacher"].id
        )
    session.rollback()


def test_a_teacher_sees_its_own_students_only(session, team):
    users, placements = team
    assignment.assign_staff(session, users["school"], [placements[0].id], users["teacher"].id)
    assignment.assign_staff(session, users["school"], [placements[1].id], users["teacher2"].id)
    # Positive control: its own placement opens; another teacher's does not.
    assert load_placement(session, users["teacher"], placements[0].id).placement.id
    with pytest.raises(PermissionDenied):
        load_placement(session, users["teacher"], placements[1].id)
    listed = assignment.followed_placements(session, users["teacher"]).items
    assert [c.placement.id for c in listed] == [placements[0].id]


def test_a_mentor_sees_its_own_interns_only(session, team):
    users, placements = team
    assignment.assign_staff(session, users["hr"], [placements[2].id], users["mentor"].id)
    assert load_placement(session, users["mentor"], placements[2].id).placement.id
    with pytest.raises(PermissionDenied):
        load_placement(session, users["mentor2"], placements[2].id)
    assert assignment.followed_placements(session, users["mentor2"]).items == []


def test_the_teachers_home_page_lists_its_students(session, team, login_as):
    users, placements = team
    assignment.assign_staff(session, users["school"], [placements[0].id], users["teacher"].id)
    session.commit()
    page = login_as(users["teacher"]).get("/dashboard").get_data(as_text=True)
    assert f"#{placements[0].id}<" in page and f"#{placements[1].id}<" not in page
    # The school's own pages stay closed to a teacher; the admin's open (positive control).
    assert login_as(users["teacher"]).get("/school/cohorts").status_code == 403
    assert login_as(users["school"]).get("/school/cohorts").status_code == 200


def test_the_bulk_form_assigns_the_ticked_placements(session, team, login_as):
    users, placements = team
    session.commit()
    client = login_as(users["officer"])
    assert client.get("/placements/assign/").status_code == 200
    response = client.post(
        "/placements/assign/",
        data={
            "placement_ids": [str(placements[0].id), str(placements[2].id)],
            "user_id": str(users["teacher2"].id),
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert [p.teacher_user_id for p in placements] == [
        users["teacher2"].id,
        None,
        users["teacher2"].id,
    ]
