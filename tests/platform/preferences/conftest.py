"""Factories for preference tests: open slots on the student's occupation, agreements, records."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from skillbridge.models import (
    AgreementStatus,
    Cohort,
    CooperationAgreement,
    CooperationKind,
    Party,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
)

TODAY = date(2025, 6, 1)
START = date(2025, 9, 1)


@pytest.fixture
def specialty(session: Session, world) -> Specialty:  # type: ignore[no-untyped-def]
    """The world student's cohort specialty; its occupation is the one slots here offer."""
    cohort = session.get(Cohort, world.student.cohort_id)
    return session.get(Specialty, cohort.specialty_id)


@pytest.fixture
def make_slot(session: Session, world, specialty):  # type: ignore[no-untyped-def]
    """An open post internship of the world enterprise on the student's occupation."""

    def factory(**changes) -> Slot:  # type: ignore[no-untyped-def]
        values = dict(
            enterprise_id=world.enterprise.id,
            kind=SlotKind.POST_INTERNSHIP,
            title="数控车床操作岗",
            occupation_id=specialty.occupations[0].id,
            min_level=0,
            certificate_required=False,
            start_date=START,
            duration_months=6,
            seats=4,
            stipend_yuan=3000,
            post_headcount=40,
            status=SlotStatus.OPEN,
        )
        values.update(changes)
        slot = Slot(**values)
        session.add(slot)
        session.commit()
        return slot

    return factory


@pytest.fixture
def make_agreement(session: Session, world, specialty):  # type: ignore[no-untyped-def]
    """An approved agreement of the world school and enterprise over the student's specialty."""

    def factory(**changes) -> CooperationAgreement:  # type: ignore[no-untyped-def]
        values = dict(
            school_id=world.school.id,
            enterprise_id=world.enterprise.id,
            kind=CooperationKind.INTERNSHIP_BASE,
            valid_from=date(2025, 1, 1),
            valid_to=date(2027, 12, 31),
            status=AgreementStatus.APPROVED,
            proposed_by=Party.SCHOOL,
            specialties=[specialty],
        )
        values.update(changes)
        agreement = CooperationAgreement(**values)
        session.add(agreement)
        session.commit()
        return agreement

    return factory
