"""Factories for placements: slots, proposed placements, published offers and accepted ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support import sign_as

from skillbridge.models import (
    SEAT_HOLDING,
    Enterprise,
    Placement,
    PlacementAgreement,
    PlacementStatus,
    Role,
    Slot,
    SlotKind,
    Student,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.placements import agreements, lifecycle, offers
from skillbridge.platform.services.placements.agreements import Insurance

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=7)
START = date(2026, 7, 1)


@pytest.fixture
def make_slot(factories: Factories) -> Callable[..., Slot]:
    def factory(
        enterprise: Enterprise,
        kind: SlotKind = SlotKind.POST_INTERNSHIP,
        seats: int = 1,
        stipend: int = 3000,
        wage: int | None = 3500,
    ) -> Slot:
        return factories.slot(
            enterprise,
            factories.occupation(name="车工"),
            kind=kind,
            title="数控车工实习岗",
            seats=seats,
            stipend_yuan=stipend,
            post_wage_yuan=wage,
            location="苏州市吴江区",
        )

    return factory


@pytest.fixture
def make_placement(factories: Factories) -> Callable[..., Placement]:
    """A proposed placement, as a match run leaves it."""

    def factory(
        student: Student, slot: Slot, start: date = START, end: date = date(2026, 12, 31)
    ) -> Placement:
        return factories.placement(student, slot, start_date=start, end_date=end)

    return factory


@pytest.fixture
def make_offer(session: Session, make_placement, make_user):  # type: ignore[no-untyped-def]
    """A published offer (the student's school publishes it), committed."""

    def factory(student: Student, slot: Slot, **dates: date) -> Placement:
        placement = make_placement(student, slot, **dates)
        publisher = make_user(Role.SCHOOL, school_id=student.school_id)
        offers.publish_offers(session, publisher, [placement], DEADLINE, TODAY)
        session.commit()
        return placement

    return factory


@dataclass
class Accepted:
    placement: Placement
    student_user: User


@pytest.fixture
def accepted(session: Session, world, make_slot, make_offer) -> Accepted:  # type: ignore[no-untyped-def]
    """The world's student has accepted a 6-month post internship at the world's enterprise."""
    slot = make_slot(world.enterprise, seats=2)
    placement = make_offer(world.student, slot)
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    session.commit()
    return Accepted(placement, world.users["student"])


class Facts:
    """Fresh reads of the database, each in its own short session (no lock is left held)."""

    def __init__(self, sessions) -> None:  # type: ignore[no-untyped-def]
        self._sessions = sessions

    def _scalar(self, statement):  # type: ignore[no-untyped-def]
        with self._sessions() as session:
            return session.scalar(statement)

    def seat_rows(self, slot_id: int) -> int:
        """Placements that hold a seat on the slot: rows, never the counter."""
        return self._scalar(
            select(func.count(Placement.id)).where(
                Placement.slot_id == slot_id, Placement.status.in_(SEAT_HOLDING)
            )
        )

    def seats_taken(self, slot_id: int) -> int:
        return self._scalar(select(Slot.seats_taken).where(Slot.id == slot_id))

    def counted_months(self, student_id: int) -> int:
        """The sum of the months of the student's counting, seat-holding placements."""
        return self._scalar(
            select(func.coalesce(func.sum(Placement.months), 0)).where(
                Placement.student_id == student_id,
                Placement.counts_toward_cap.is_(True),
                Placement.status.in_(SEAT_HOLDING),
            )
        )

    def months_used(self, student_id: int) -> int:
        return self._scalar(select(Student.months_used).where(Student.id == student_id))

    def status(self, placement_id: int) -> PlacementStatus:
        return self._scalar(select(Placement.status).where(Placement.id == placement_id))

    def policy_no(self, placement_id: int) -> str | None:
        return self._scalar(
            select(PlacementAgreement.insurance_policy_no).where(
                PlacementAgreement.placement_id == placement_id
            )
        )


@pytest.fixture
def facts(app) -> Facts:  # type: ignore[no-untyped-def]
    return Facts(get_database(app).sessions)


# A running placement's start day (its planned start) and its insurance, for the change tests.
COVER = Insurance("中国人寿财产保险", "PICC-2026-0001", date(2026, 6, 30), date(2027, 3, 31))


@pytest.fixture
def start_running(session: Session, world):  # type: ignore[no-untyped-def]
    """Sign, insure, file and approve an accepted placement, and start it on its start date."""

    def run(placement_id: int, student_user: User) -> int:
        for user in (student_user, world.users["school"], world.users["enterprise"]):
            sign_as(session, user, placement_id)
        school = world.users["school"]
        agreements.record_insurance(session, school, placement_id, COVER)
        agreements.file_internship_plan(session, school, placement_id, "计划")
        agreements.decide_internship_plan(session, world.users["bureau"], placement_id, True)
        lifecycle.start_placement(session, school, placement_id, START)
        session.commit()
        return placement_id

    return run
