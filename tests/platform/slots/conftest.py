"""Factories for slot tests: an occupation, slot inputs with sensible defaults, drafted slots."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy.orm import Session

from skillbridge.models import Occupation, SlotKind
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.slots import postings as slots

TODAY = date(2025, 6, 1)
START = date(2025, 9, 1)


@pytest.fixture
def occupation(session: Session, factories: Factories) -> Occupation:
    occupation = factories.occupation(code="6-18-01-01", name="车工")
    session.commit()
    return occupation


@pytest.fixture
def slot_input(occupation: Occupation):  # type: ignore[no-untyped-def]
    """A valid post-internship input for a 200-staff enterprise; override any field."""

    def factory(**changes) -> slots.SlotInput:  # type: ignore[no-untyped-def]
        base = slots.SlotInput(
            kind=SlotKind.POST_INTERNSHIP,
            title="数控车床操作岗",
            occupation_id=occupation.id,
            specialty_ids=(),
            min_level=0,
            certificate_required=False,
            start_date=START,
            duration_months=6,
            seats=4,
            stipend_yuan=3000,
            post_wage_yuan=3500,
            post_headcount=40,
            location="吴江经济技术开发区",
        )
        return dataclasses.replace(base, **changes)

    return factory


@pytest.fixture
def draft(session: Session, world, slot_input):  # type: ignore[no-untyped-def]
    """Draft a slot for the world's enterprise and commit it."""

    def factory(**changes):  # type: ignore[no-untyped-def]
        slot = slots.create_slot(session, world.users["enterprise"], slot_input(**changes))
        session.commit()
        return slot

    return factory
