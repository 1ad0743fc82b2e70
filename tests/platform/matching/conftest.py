"""A small market for match runs: one school's cohort, two enterprises, slots and preferences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session
from support import World

from skillbridge.models import (
    Cohort,
    Slot,
    Specialty,
    Student,
    StudentPreference,
)
from skillbridge.platform.demo.factories import Factories

START = date(2026, 7, 1)


@dataclass
class Market:
    cohort: Cohort
    students: list[Student]
    slots: list[Slot]
    specialty: Specialty


@pytest.fixture
def market(
    session: Session, world: World, make_student: Callable[..., Student], factories: Factories
) -> Market:
    """Five students of one specialty; a 2-seat and a 1-seat post internship they may take
    (the agreement covers the specialty), and a slot of another occupation nobody fits."""
    occupation = factories.occupation(code="6-18-01-01", name="车工")
    other = factories.occupation(code="2-02-07-01", name="软件工程师")
    specialty = factories.specialty(occupations=[occupation], code="460103", name="数控技术")
    cohort = factories.cohort(
        world.school,
        specialty,
        name="数控2023级1班",
        window_start=date(2026, 6, 1),
        window_end=date(2027, 6, 30),
    )
    students = [make_student(world.school, birth=date(2005, 1, 1), cohort=cohort) for _ in range(5)]
    slots = [
        factories.slot(
            world.enterprise,
            occ,
            title=title,
            start_date=START,
            seats=seats,
            stipend_yuan=0,
            post_wage_yuan=None,
            post_headcount=40,
        )
        for title, occ, seats in (
            ("数控车工A", occupation, 2),
            ("数控车工B", occupation, 1),
            ("软件", other, 3),
        )
    ]
    factories.cooperation(world.school, world.enterprise, [specialty], valid_from=date(2026, 1, 1))
    # Everyone prefers slot A, then B.
    for student in students:
        session.add(StudentPreference(student_id=student.id, slot_id=slots[0].id, rank=1))
        session.add(StudentPreference(student_id=student.id, slot_id=slots[1].id, rank=2))
    session.commit()
    return Market(cohort, students, slots, specialty)
