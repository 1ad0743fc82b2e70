"""A small market for match runs: one school's cohort, two enterprises, slots and preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from skillbridge.models import (
    AgreementStatus,
    Cohort,
    CooperationAgreement,
    CooperationKind,
    EducationLevel,
    Occupation,
    Party,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    Student,
    StudentPreference,
)

START = date(2026, 7, 1)


@dataclass
class Market:
    cohort: Cohort
    students: list[Student]
    slots: list[Slot]
    specialty: Specialty


@pytest.fixture
def market(session: Session, world, make_student) -> Market:  # type: ignore[no-untyped-def]
    """Five students of one specialty; a 2-seat and a 1-seat post internship they may take
    (the agreement covers the specialty), and a slot of another occupation nobody fits."""
    occupation = Occupation(code="6-18-01-01", name="车工")
    other = Occupation(code="2-02-07-01", name="软件工程师")
    specialty = Specialty(code="460103", name="数控技术", occupations=[occupation])
    session.add_all([occupation, other, specialty])
    session.flush()
    cohort = Cohort(
        school_id=world.school.id,
        specialty_id=specialty.id,
        name="数控2023级1班",
        intake_year=2023,
        graduation_year=2026,
        level=EducationLevel.HIGHER,
        window_start=date(2026, 6, 1),
        window_end=date(2027, 6, 30),
    )
    session.add(cohort)
    session.flush()
    students = [make_student(world.school, birth=date(2005, 1, 1), cohort=cohort) for _ in range(5)]
    slots = [
        Slot(
            enterprise_id=world.enterprise.id,
            kind=SlotKind.POST_INTERNSHIP,
            title=title,
            occupation_id=occ.id,
            start_date=START,
            duration_months=6,
            seats=seats,
            post_headcount=40,
            status=SlotStatus.OPEN,
        )
        for title, occ, seats in (
            ("数控车工A", occupation, 2),
            ("数控车工B", occupation, 1),
            ("软件", other, 3),
        )
    ]
    agreement = CooperationAgreement(
        school_id=world.school.id,
        enterprise_id=world.enterprise.id,
        kind=CooperationKind.INTERNSHIP_BASE,
        valid_from=date(2026, 1, 1),
        valid_to=date(2027, 12, 31),
        status=AgreementStatus.APPROVED,
        proposed_by=Party.SCHOOL,
        specialties=[specialty],
    )
    session.add_all([*slots, agreement])
    session.flush()
    # Everyone prefers slot A, then B.
    for student in students:
        session.add(StudentPreference(student_id=student.id, slot_id=slots[0].id, rank=1))
        session.add(StudentPreference(student_id=student.id, slot_id=slots[1].id, rank=2))
    session.commit()
    return Market(cohort, students, slots, specialty)
