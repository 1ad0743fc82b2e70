"""Two enterprises confirming one person as their current primary employee at the same moment:
exactly one succeeds, whatever the interleaving; the partial unique index decides."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from skillbridge.models import Employment, EmploymentSource, EmploymentStatus, Role, User
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.people import employments

ROUNDS = 4
TODAY = date(2026, 6, 1)


def _race(database, attempts: list[tuple[int, int]], facts) -> list[str]:  # type: ignore[no-untyped-def]
    """Confirm each (user, employment) at once, one thread and one session each."""
    barrier, outcomes = threading.Barrier(len(attempts)), []

    def attempt(user_id: int, employment_id: int) -> None:
        with database.write_sessions() as own:
            actor = own.get(User, user_id)
            own.commit()  # no thread may hold SQLite's write lock while waiting at the barrier
            barrier.wait()
            try:
                employments.confirm_employment(own, actor, employment_id, facts, TODAY)
                own.commit()
                outcomes.append("confirmed")
            except Conflict:
                own.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_enterprises_confirming_one_primary_employee_at_once(
    app, session, world, make_enterprise, make_user, make_facts, register_worker
):  # type: ignore[no-untyped-def]
    second = make_enterprise(world.region)
    second_hr = make_user(Role.ENTERPRISE, enterprise_id=second.id)
    session.commit()
    for round_no in range(ROUNDS):
        worker, first = register_worker()
        other = Employment(
            person_id=worker.person_id,
            enterprise_id=second.id,
            post="装配工",
            hire_date=date(2026, 1, 1),
            source=EmploymentSource.REGISTRATION,
        )
        session.add(other)
        session.commit()
        outcomes = _race(
            get_database(app),
            [(world.users["enterprise"].id, first.id), (second_hr.id, other.id)],
            make_facts(),
        )
        primaries = session.scalar(
            select(func.count(Employment.id)).where(
                Employment.person_id == worker.person_id,
                Employment.is_primary.is_(True),
                Employment.status == EmploymentStatus.CONFIRMED,
            )
        )
        session.commit()
        assert sorted(outcomes) == ["confirmed", "refused"], round_no
        assert primaries == 1, round_no
