"""名师带徒 fixtures: an enterprise with a confirmed mentor and apprentice, and its HR account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from skillbridge.models import Employment, Occupation, Role, StaffRole, User
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.mentoring.agreements import AgreementInput


@dataclass
class Shop:
    """The world's enterprise with two confirmed employees and its staff."""

    mentor: Employment
    apprentice: Employment
    occupation: Occupation
    hr: User
    mentor_account: User
    other_hr: User


@pytest.fixture
def shop(world, session: Session, factories: Factories) -> Shop:  # type: ignore[no-untyped-def]
    occupation = factories.occupation()
    mentor = factories.employment(factories.person(birth=date(1980, 5, 1)), world.enterprise)
    apprentice = factories.employment(
        factories.person(birth=date(2003, 2, 1)), world.enterprise, hire_date=date(2025, 3, 1)
    )
    shop = Shop(
        mentor,
        apprentice,
        occupation,
        factories.user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=world.enterprise.id),
        factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id),
        factories.user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=world.other_enterprise.id),
    )
    session.commit()
    return shop


def agreement_input(shop: Shop, **changes: object) -> AgreementInput:
    """A valid agreement for the shop's pair, July 2025 to June 2026, 800 yuan a month."""
    values: dict[str, object] = {
        "mentor_employment_id": shop.mentor.id,
        "apprentice_employment_id": shop.apprentice.id,
        "mentor_level": "technician",
        "start_month": date(2025, 7, 1),
        "end_month": date(2026, 6, 1),
        "monthly_allowance_yuan": 800,
        "agreement_ref": "XY-2025-001",
    }
    values.update(changes)
    return AgreementInput(**values)  # type: ignore[arg-type]
