"""An ended placement with its assigned teacher and mentor, for the evaluation tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from skillbridge.models import Placement, PlacementStatus, Role, StaffRole, User
from skillbridge.platform.demo.factories import Factories

START, END = date(2026, 1, 5), date(2026, 6, 30)


@dataclass
class Supervised:
    placement: Placement
    teacher: User
    mentor: User
    student: User


@pytest.fixture
def supervised(session: Session, world, factories: Factories) -> Supervised:  # type: ignore[no-untyped-def]
    """The world's student, ended at the world's enterprise, with a teacher and a mentor."""
    teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    mentor = factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id)
    slot = factories.slot(world.enterprise, title="数控车工实习岗")
    session.flush()
    placement = factories.placement(
        world.student,
        slot,
        status=PlacementStatus.ENDED,
        start_date=START,
        end_date=END,
        months=6,
    )
    placement.teacher_user_id, placement.mentor_user_id = teacher.id, mentor.id
    session.commit()
    return Supervised(placement, teacher, mentor, world.users["student"])
