"""Two amendments of one running placement proposed at once: one is pending, the other refused.
Runs on SQLite and PostgreSQL (the student row lock, backed by the partial unique index)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from support import alone, race

from skillbridge.models import AmendmentStatus, PlacementAmendment, utcnow
from skillbridge.platform.db import get_database
from skillbridge.platform.services.placements import amendments
from skillbridge.platform.services.placements.amendments import Proposal

TODAY = date(2026, 9, 1)


def test_two_proposals_racing_leave_one_pending(
    app, session, world, accepted, start_running
) -> None:  # type: ignore[no-untyped-def]
    pid = start_running(accepted.placement.id, accepted.student_user)
    sessions = get_database(app).write_sessions

    def proposal(user_id: int, end: date):  # type: ignore[no-untyped-def]
        return lambda: alone(
            sessions,
            user_id,
            lambda s, u: amendments.propose_amendment(
                s, u, pid, Proposal(end, "延长"), utcnow(), TODAY
            ),
        )

    outcomes = race(
        [
            proposal(world.users["school"].id, date(2027, 1, 31)),
            proposal(world.users["enterprise"].id, date(2027, 2, 28)),
        ]
    )
    assert Counter(outcomes) == {"done": 1, "conflict": 1}, outcomes
    session.expire_all()
    pending = session.scalar(
        select(func.count(PlacementAmendment.id)).where(
            PlacementAmendment.placement_id == pid,
            PlacementAmendment.status == AmendmentStatus.PENDING,
        )
    )
    assert pending == 1
