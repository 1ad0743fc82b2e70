"""Twenty check-ins for one placement and day at once: one row, nineteen clean refusals.

On PostgreSQL only: it is the server whose concurrent writers the UNIQUE index must sort out
(SQLite takes one writer at a time anyway).
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from skillbridge.models import AttendanceDay, User
from skillbridge.platform.db import get_database
from skillbridge.platform.services.attendance import days
from skillbridge.platform.services.errors import Conflict

THREADS = 20
MORNING = datetime(2024, 5, 13, 8, 0)


def test_twenty_duplicate_check_ins_store_one_row(app, session, internship, database_url) -> None:  # type: ignore[no-untyped-def]
    if not database_url.startswith("postgresql"):
        pytest.skip("the race is PostgreSQL's")
    sessions = get_database(app).sessions
    student_id, placement_id = internship.student.id, internship.placement.id
    session.rollback()  # hold no snapshot while the threads write
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def check_in_alone() -> None:
        with sessions() as own:
            student = own.get_one(User, student_id)
            barrier.wait()
            try:
                days.check_in(own, student, placement_id, MORNING)
                own.commit()
                outcome = "stored"
            except Conflict:
                own.rollback()
                outcome = "conflict"
            except Exception as exc:  # every other outcome is a defect (a 500)
                own.rollback()
                outcome = f"error: {exc!r}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=check_in_alone) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a check-in hung"
    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["stored"]
    rows = session.scalar(
        select(func.count(AttendanceDay.id)).where(AttendanceDay.placement_id == placement_id)
    )
    assert rows == 1
