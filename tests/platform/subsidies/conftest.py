"""Factories for subsidy tests: installed Wujiang policies, certificates, placements, agreements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Budget,
    Certificate,
    Cohort,
    CooperationAgreement,
    CooperationKind,
    Enterprise,
    Occupation,
    Placement,
    PlacementStatus,
    School,
    ShortageListing,
    SlotKind,
    Specialty,
    Student,
    SubsidyPolicy,
)
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.subsidies.budgets import install_region_policies

CLAIM_DAY = date(2025, 9, 1)
YOUTH = "wujiang.youth_school_enterprise_reward"
IN_HOUSE = "wujiang.in_house_training_subsidy"
TRAINING_GRANT = "wujiang.training_grant"


def occupation_of(session: Session, student: Student) -> Occupation:
    cohort = session.get(Cohort, student.cohort_id)
    return session.get(Specialty, cohort.specialty_id).occupations[0]


def policy_named(session: Session, region_id: int, code: str) -> SubsidyPolicy:
    return session.scalar(
        select(SubsidyPolicy).where(
            SubsidyPolicy.region_id == region_id, SubsidyPolicy.code == code
        )
    )


def fund_of(session: Session, policy: SubsidyPolicy) -> Budget:
    return session.get(Budget, policy.budget_id)


@dataclass
class Kit:
    """The shared factories with this folder's defaults, bound to one session."""

    session: Session
    factories: Factories

    def certificate(self, student: Student, level: int = 3, issued_on: date = date(2025, 1, 10)):
        n = f"{student.id}-{level}-{issued_on.isoformat()}"
        certificate = Certificate(
            person_id=student.person_id,
            occupation_id=occupation_of(self.session, student).id,
            level=level,
            issued_on=issued_on,
            number=f"C{n}",
        )
        self.session.add(certificate)
        self.session.flush()
        return certificate

    def placement(
        self,
        student: Student,
        enterprise: Enterprise,
        start: date = date(2025, 3, 1),
        status: PlacementStatus = PlacementStatus.ACTIVE,
    ) -> Placement:
        slot = self.factories.slot(
            enterprise,
            occupation_of(self.session, student),
            kind=SlotKind.APPRENTICESHIP,
            title="数控车工学徒",
            start_date=start,
            duration_months=12,
            seats_taken=1,
            stipend_yuan=0,
            post_wage_yuan=None,
        )
        return self.factories.placement(
            student,
            slot,
            status=status,
            start_date=start,
            end_date=date(start.year + 1, start.month, 1),
            months=12,
        )

    def cooperation(self, school_id: int, enterprise_id: int) -> CooperationAgreement:
        return self.factories.cooperation(
            self.session.get(School, school_id),
            self.session.get(Enterprise, enterprise_id),
            kind=CooperationKind.APPRENTICESHIP,
            valid_from=date(2024, 1, 1),
        )

    def shortage(self, region_id: int, occupation: Occupation, year: int = 2025) -> None:
        self.session.add(
            ShortageListing(region_id=region_id, occupation_id=occupation.id, year=year)
        )
        self.session.flush()

    def designate(self, region_id: int, code: str, occupation: Occupation) -> SubsidyPolicy:
        policy = policy_named(self.session, region_id, code)
        policy.designated_occupations = [occupation.code]
        self.session.flush()
        return policy


@pytest.fixture
def kit(session: Session, factories: Factories) -> Kit:
    return Kit(session, factories)


@pytest.fixture
def installed(world, session: Session):  # type: ignore[no-untyped-def]
    """The world with Wujiang policies installed in both regions."""
    install_region_policies(session, world.region)
    install_region_policies(session, world.other_region)
    session.commit()
    return world


@pytest.fixture
def youth_case(installed, session: Session, kit: Kit):  # type: ignore[no-untyped-def]
    """A student placed 6 months at a cooperating district enterprise, certified 高级工."""
    world = installed
    student = world.student
    kit.placement(student, world.enterprise, start=date(2025, 3, 1))
    kit.cooperation(world.school.id, world.enterprise.id)
    kit.certificate(student, level=3, issued_on=date(2025, 1, 10))
    kit.designate(world.region.id, YOUTH, occupation_of(session, student))
    session.commit()
    return world
