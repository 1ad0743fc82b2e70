"""Factories for preference tests: open slots on the student's occupation, agreements, records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session
from support import World

from skillbridge.models import (
    Cohort,
    CooperationAgreement,
    Enterprise,
    Occupation,
    School,
    Slot,
    Specialty,
)
from skillbridge.platform.demo.factories import Factories

TODAY = date(2025, 6, 1)
START = date(2025, 9, 1)


@pytest.fixture
def specialty(session: Session, world) -> Specialty:  # type: ignore[no-untyped-def]
    """The world student's cohort specialty; its occupation is the one slots here offer."""
    cohort = session.get(Cohort, world.student.cohort_id)
    return session.get(Specialty, cohort.specialty_id)


@pytest.fixture
def make_slot(
    session: Session, world: World, specialty: Specialty, factories: Factories
) -> Callable[..., Slot]:
    """An open post internship of the world enterprise on the student's occupation."""

    def factory(**changes) -> Slot:  # type: ignore[no-untyped-def]
        values = dict(
            title="数控车床操作岗",
            start_date=START,
            seats=4,
            post_wage_yuan=None,
            post_headcount=40,
        )
        values.update(changes)
        enterprise = session.get(Enterprise, values.pop("enterprise_id", world.enterprise.id))
        occupation_id = values.pop("occupation_id", specialty.occupations[0].id)
        slot = factories.slot(enterprise, session.get(Occupation, occupation_id), **values)
        session.commit()
        return slot

    return factory


@pytest.fixture
def make_agreement(
    session: Session, world: World, specialty: Specialty, factories: Factories
) -> Callable[..., CooperationAgreement]:
    """An approved agreement of the world school and enterprise over the student's specialty."""

    def factory(**changes) -> CooperationAgreement:  # type: ignore[no-untyped-def]
        school = session.get(School, changes.pop("school_id", world.school.id))
        enterprise = session.get(Enterprise, changes.pop("enterprise_id", world.enterprise.id))
        specialties = changes.pop("specialties", [specialty])
        agreement = factories.cooperation(school, enterprise, specialties, **changes)
        session.commit()
        return agreement

    return factory
