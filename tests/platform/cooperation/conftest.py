"""Factories for agreement tests: the world school's specialty and agreements in any status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session
from support import World

from skillbridge.models import AgreementStatus, Cohort, CooperationAgreement, Specialty
from skillbridge.platform.demo.factories import Factories


@pytest.fixture
def specialty(session: Session, world) -> Specialty:  # type: ignore[no-untyped-def]
    """The specialty of the world student's cohort, which the world school therefore teaches."""
    cohort = session.get(Cohort, world.student.cohort_id)
    return session.get(Specialty, cohort.specialty_id)


@pytest.fixture
def make_agreement(
    session: Session, world: World, specialty: Specialty, factories: Factories
) -> Callable[..., CooperationAgreement]:
    """An agreement written straight to the database, for reading tests."""

    def factory(
        enterprise=None,  # type: ignore[no-untyped-def]
        status: AgreementStatus = AgreementStatus.APPROVED,
        valid_from: date = date(2025, 1, 1),
        valid_to: date = date(2027, 12, 31),
        specialties=None,  # type: ignore[no-untyped-def]
        school=None,  # type: ignore[no-untyped-def]
    ) -> CooperationAgreement:
        agreement = factories.cooperation(
            school or world.school,
            enterprise or world.enterprise,
            specialties if specialties is not None else [specialty],
            valid_from=valid_from,
            valid_to=valid_to,
            status=status,
            decision_reason="不符合要求" if status == AgreementStatus.REJECTED else None,
            termination_reason="停产" if status == AgreementStatus.TERMINATED else None,
        )
        session.commit()
        return agreement

    return factory
