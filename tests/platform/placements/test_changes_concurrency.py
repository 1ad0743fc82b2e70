"""Concurrent extension and transfer of one student's placement never pass the month cap (R1).

Each round the student has months left for either change alone but not for both: whichever
commits first wins, the other meets the cap or the ended placement, and the counter always equals
the rows. Runs on SQLite and PostgreSQL (the student row lock is what PostgreSQL needs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from support import alone, race

from skillbridge.models import Role
from skillbridge.platform.db import get_database
from skillbridge.platform.services.placements import changes, lifecycle, months, offers
from skillbridge.platform.services.placements.changes import Transfer

from .conftest import TODAY

ROUNDS = 4
EXTEND_TO = date(2027, 1, 31)  # 2026-07-01 → 2027-01-31: 7 months, 1 more than planned
LAST_DAY = date(2026, 7, 15)  # 1 month here + 2026-07-16 → 12-31 (6): 1 more than planned
ON = date(2026, 7, 15)


def _both_changes(sessions, user_id: int, pid: int, slot_id: int) -> list[Callable[[], str]]:  # type: ignore[no-untyped-def]
    """The extension and the transfer of placement `pid`, each in its own session."""
    return [
        lambda: alone(
            sessions, user_id, lambda s, u: lifecycle.extend_placement(s, u, pid, EXTEND_TO, ON)
        ),
        lambda: alone(
            sessions,
            user_id,
            lambda s, u: changes.transfer_placement(s, u, pid, Transfer(slot_id, LAST_DAY, ""), ON),
        ),
    ]


def test_concurrent_extension_and_transfer_never_pass_the_cap(
    app,
    session,
    world,
    make_slot,
    make_student,
    make_user,
    make_enterprise,
    make_offer,
    start_running,
    facts,
) -> None:  # type: ignore[no-untyped-def]
    sessions = get_database(app).write_sessions
    school = world.users["school"]
    figures = []
    for round_no in range(ROUNDS):
        student = make_student(world.school)
        student_user = make_user(Role.STUDENT, student_id=student.id)
        slot, other = make_slot(world.enterprise), make_slot(make_enterprise(world.region))
        placement = make_offer(student, slot)
        offers.accept_offer(session, student_user, placement.id, TODAY)
        session.commit()
        pid = start_running(placement.id, student_user)
        locked = months.lock_student(session, student.id)
        filler = locked.month_cap - locked.months_used - 1
        months.change_months(session, locked, filler, locked.month_cap)
        session.commit()  # one month left: each change alone fits, both together do not
        outcomes = race(_both_changes(sessions, school.id, pid, other.id))
        seen = Counter(outcomes)
        figures.append((round_no, dict(seen)))
        assert seen == {"done": 1, "conflict": 1}, figures
        session.expire_all()
        assert facts.months_used(student.id) == 12 == facts.counted_months(student.id) + filler
    print(f"\n[{app.config['DATABASE_URL'].split(':')[0]}] extend/transfer rounds: {figures}")
