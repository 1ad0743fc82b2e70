"""Factories for the dashboard tests: slots, placements with ranks, funds, paid claims, findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session
from support import World

from skillbridge.models import (
    SEAT_HOLDING,
    Budget,
    ComplianceFinding,
    Enterprise,
    Occupation,
    Placement,
    PlacementStatus,
    Role,
    School,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    Student,
    StudentPreference,
    SubsidyClaim,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import offers

TODAY = date.today()
START = date(2026, 7, 1)


@pytest.fixture
def make_occupation(factories: Factories) -> Callable[..., Occupation]:
    def factory(name: str = "车工") -> Occupation:
        return factories.occupation(name)

    return factory


@pytest.fixture
def make_slot(factories: Factories) -> Callable[..., Slot]:
    def factory(
        enterprise: Enterprise,
        kind: SlotKind = SlotKind.POST_INTERNSHIP,
        seats: int = 5,
        occupation: Occupation | None = None,
        status: SlotStatus = SlotStatus.OPEN,
    ) -> Slot:
        return factories.slot(enterprise, occupation, kind=kind, seats=seats, status=status)

    return factory


@pytest.fixture
def add_placement(session: Session, factories: Factories) -> Callable[..., Placement]:
    """A placement row as the services leave it, with the student's rank of the slot if given."""

    def factory(
        student: Student,
        slot: Slot,
        status: PlacementStatus = PlacementStatus.ACTIVE,
        months: int = 6,
        rank: int | None = None,
    ) -> Placement:
        counts = slot.kind == SlotKind.POST_INTERNSHIP
        placement = factories.placement(
            student,
            slot,
            status=status,
            start_date=START,
            end_date=START + timedelta(days=30 * months),
            months=months,
            counts_toward_cap=counts,
        )
        if rank is not None:
            session.add(StudentPreference(student_id=student.id, slot_id=slot.id, rank=rank))
        if status in SEAT_HOLDING:
            slot.seats_taken += 1
            if counts:
                student.months_used += months
        session.flush()
        return placement

    return factory


@pytest.fixture
def make_budget(factories: Factories) -> Callable[..., tuple[Budget, SubsidyPolicy]]:
    return factories.budget


@pytest.fixture
def pay_claim(factories: Factories) -> Callable[..., SubsidyClaim]:
    """A paid claim of `amount` for the student, moving the fund's figures as payment does."""
    return factories.paid_claim


@pytest.fixture
def add_finding(factories: Factories) -> Callable[..., ComplianceFinding]:
    return factories.finding


@pytest.fixture
def add_partner(factories: Factories) -> Callable[..., None]:
    """An approved cooperation agreement in force between a school and an enterprise."""

    def factory(school: School, enterprise: Enterprise, specialty: Specialty) -> None:
        factories.cooperation(
            school,
            enterprise,
            [specialty],
            valid_from=TODAY - timedelta(days=30),
            valid_to=TODAY + timedelta(days=365),
        )

    return factory


@dataclass
class Flow:
    """A placement taken through the real services, so its audit trail is the real one."""

    placement: Placement
    school_user: User
    student_user: User


@pytest.fixture
def accepted_flow(
    session: Session,
    world: World,
    factories: Factories,
    make_slot: Callable[..., Slot],
    make_user: Callable[..., User],
) -> Flow:
    """The world's student accepted a post internship; insurance and plan are on file."""
    slot = make_slot(world.enterprise, seats=2)
    placement = factories.placement(world.student, slot, start_date=START)
    school_user = make_user(Role.SCHOOL, school_id=world.school.id)
    offers.publish_offers(session, school_user, [placement], TODAY + timedelta(days=7), TODAY)
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    placement_agreements.record_insurance(
        session,
        school_user,
        placement.id,
        placement_agreements.Insurance("中国人保", "PICC-2026-001", START, date(2027, 1, 31)),
    )
    placement_agreements.file_internship_plan(
        session, school_user, placement.id, "第一阶段：安全培训；第二阶段：数控车床操作。"
    )
    session.commit()
    return Flow(placement, school_user, world.users["student"])
