"""A placement with its student, mentor and teacher, active over spring 2026, for the journals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from skillbridge.models import Placement, PlacementStatus, Role, Slot, StaffRole, Student, User
from skillbridge.platform.demo.factories import Factories

# Monday of ISO week 10 to Sunday of week 22 (2026-03-02 — 2026-05-31).
START, END = date(2026, 3, 2), date(2026, 5, 31)


@dataclass
class Team:
    placement: Placement
    slot: Slot
    student: Student
    users: dict[str, User]


@pytest.fixture
def team(session, factories: Factories) -> Team:  # type: ignore[no-untyped-def]
    region = factories.region()
    school, enterprise = factories.school(region), factories.enterprise(region)
    student = factories.student(school)
    users = {
        "student": factories.user(Role.STUDENT, student_id=student.id),
        "school": factories.user(Role.SCHOOL, school_id=school.id),
        "teacher": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "other_teacher": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "enterprise": factories.user(Role.ENTERPRISE, enterprise_id=enterprise.id),
        "mentor": factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "other_mentor": factories.user(
            Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id
        ),
        "bureau": factories.user(Role.BUREAU, region_id=region.id),
    }
    slot = factories.slot(enterprise, seats=5)
    placement = factories.placement(
        student,
        slot,
        status=PlacementStatus.ACTIVE,
        start_date=START,
        end_date=END,
    )
    placement.mentor_user_id, placement.teacher_user_id = users["mentor"].id, users["teacher"].id
    session.commit()
    return Team(placement, slot, student, users)
