"""Attendance fixtures: an active placement of the world's student with its mentor and teacher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from skillbridge.models import Placement, PlacementStatus, Role, StaffRole, User
from skillbridge.platform.demo.factories import Factories

START, END = date(2024, 1, 1), date(2027, 6, 30)


@dataclass
class Internship:
    """The world's student on an active placement at the world's enterprise."""

    placement: Placement
    student: User
    mentor: User
    teacher: User
    school: User
    enterprise: User
    other_mentor: User
    other_teacher: User


@pytest.fixture
def internship(world, session: Session, factories: Factories) -> Internship:  # type: ignore[no-untyped-def]
    mentor = factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id)
    teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    other_mentor = factories.user(
        Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id
    )
    other_teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    slot = factories.slot(world.enterprise)
    placement = factories.placement(
        world.student,
        slot,
        status=PlacementStatus.ACTIVE,
        start_date=START,
        end_date=END,
    )
    placement.mentor_user_id, placement.teacher_user_id = mentor.id, teacher.id
    session.commit()
    return Internship(
        placement,
        world.users["student"],
        mentor,
        teacher,
        world.users["school"],
        world.users["enterprise"],
        other_mentor,
        other_teacher,
    )
