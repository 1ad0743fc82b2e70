"""The invariants money, seats and months depend on are refused by the database itself."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from skillbridge.models import (
    Budget,
    Occupation,
    Role,
    Slot,
    SlotKind,
    StaffRole,
    Student,
    User,
)


def _expect_refused(session, statement) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError):
        session.execute(statement)
        session.flush()
    session.rollback()


@pytest.fixture
def slot(session, world):  # type: ignore[no-untyped-def]
    occupation = Occupation(code="6-18-01-01", name="车工")
    session.add(occupation)
    session.flush()
    new_slot = Slot(
        enterprise_id=world.enterprise.id,
        kind=SlotKind.POST_INTERNSHIP,
        title="数控车床操作实习",
        occupation_id=occupation.id,
        start_date=date(2026, 3, 1),
        duration_months=6,
        seats=1,
    )
    session.add(new_slot)
    session.commit()
    return new_slot


def test_a_slot_cannot_be_overbooked(session, slot):
    session.execute(update(Slot).where(Slot.id == slot.id).values(seats_taken=1))
    session.commit()
    _expect_refused(session, update(Slot).where(Slot.id == slot.id).values(seats_taken=2))


def test_months_used_cannot_pass_the_cap(session, world):
    student_id = world.student.id
    session.execute(update(Student).where(Student.id == student_id).values(months_used=12))
    session.commit()
    _expect_refused(session, update(Student).where(Student.id == student_id).values(months_used=13))


def test_a_budget_stays_balanced_and_never_negative(session, world):
    budget = Budget(
        region_id=world.region.id,
        code="fund",
        name="专项资金",
        allocated_yuan=100,
        remaining_yuan=100,
    )
    session.add(budget)
    session.commit()
    _expect_refused(
        session,
        update(Budget).where(Budget.id == budget.id).values(remaining_yuan=-10, paid_yuan=110),
    )
    _expect_refused(session, update(Budget).where(Budget.id == budget.id).values(paid_yuan=50))


def test_a_user_acts_for_exactly_its_roles_tenant(session, world):
    session.add(
        User(
            email="x@example.cn",
            display_name="x",
            password_hash="h",
            role=Role.SCHOOL,
            staff_role=StaffRole.ADMIN,
            enterprise_id=world.enterprise.id,
            session_token="t",
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
