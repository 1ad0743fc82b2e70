"""Fixtures for workers and the employee register: sign-up forms, pending and confirmed workers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from support import PASSWORD_HASH, World, valid_national_id

from skillbridge.models import Employment, User
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.people import employments, registration

STRONG = "Quartz-lantern-97-harbour"
TODAY = date(2026, 6, 1)
HIRED = date(2025, 9, 1)


@pytest.fixture
def keys(app: Flask) -> IdentityKeys:
    return id_keys(app)


@pytest.fixture
def worker_form(world: World) -> Callable[..., dict[str, Any]]:
    """The sign-up form of a new worker of the world's enterprise; keyword arguments change it."""
    numbers = iter(range(100, 1000))

    def build(**changes: Any) -> dict[str, Any]:
        n = next(numbers)
        form = {
            "name": f"王工{n}",
            "national_id": valid_national_id(n, date(1998, 5, 4)),
            "phone": f"139{n:08d}",
            "email": f"worker{n}@example.cn",
            "employer_uscc": world.enterprise.uscc,
            "post": "数控车工",
            "hire_date": HIRED.isoformat(),
            "password": STRONG,
            "confirm": STRONG,
        }
        form.update(changes)
        return form

    return build


RegisterWorker = Callable[..., tuple[User, Employment]]


@pytest.fixture
def register_worker(
    session: Session, keys: IdentityKeys, world: World, worker_form
) -> RegisterWorker:  # type: ignore[no-untyped-def]
    """A worker registered through the service (committed), and its pending employment.

    Its password is then the suite's PASSWORD, as every factory-made user's is.
    """

    def register(**changes: Any) -> tuple[User, Employment]:
        form = worker_form(**changes)
        user = registration.register_worker(
            session,
            keys,
            registration.WorkerRegistration(
                name=form["name"],
                national_id=form["national_id"],
                phone=form["phone"],
                email=form["email"],
                password=form["password"],
                employer_uscc=form["employer_uscc"],
                post=form["post"],
                hire_date=date.fromisoformat(form["hire_date"]),
            ),
            TODAY,
        )
        assert user is not None
        user.password_hash = PASSWORD_HASH  # so that `login_as` logs it in like any test user
        session.commit()
        employment = session.scalars(
            select(Employment).where(Employment.person_id == user.person_id)
        ).one()
        return user, employment

    return register


@pytest.fixture
def make_facts() -> Callable[..., employments.EmploymentFacts]:
    """What an enterprise confirms; keyword arguments change it."""
    return _facts


def _facts(**changes: Any) -> employments.EmploymentFacts:
    values: dict[str, Any] = {
        "post": "数控车工",
        "hire_date": HIRED,
        "contract_start": HIRED,
        "contract_end": date(2028, 8, 31),
        "social_insurance_since": HIRED,
        "is_front_line": True,
        "is_primary": True,
    }
    values.update(changes)
    return employments.EmploymentFacts(**values)
