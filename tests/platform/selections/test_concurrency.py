"""Concurrent decisions against the real database: the round's quota holds (PostgreSQL too)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select

from skillbridge.models import (
    Award,
    Nomination,
    NominationStatus,
    RoundStatus,
    SelectionRound,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.selections.decisions import decide_nomination
from skillbridge.platform.services.selections.rounds import RoundRequest, open_round

THREADS = 20
LEFT = 5


def test_twenty_decisions_race_for_the_last_five_places(app, session, bureau, clock) -> None:  # type: ignore[no-untyped-def]
    row = open_round(
        session,
        bureau.officer,
        RoundRequest(bureau.policy().id, 2025, date(2025, 5, 31), 3, publicity_working_days=5),
    )
    assert row.quota == 10
    # The round after its 公示: 20 proposed nominees and five of the ten places left.
    row.status = RoundStatus.PUBLICITY
    row.publicity_starts_on, row.publicity_ends_on = date(2025, 6, 3), date(2025, 6, 9)
    row.selected_count = row.quota - LEFT
    ids = []
    for i in range(THREADS):
        person, _ = bureau.worker(bureau.employer)
        nomination = Nomination(
            round_id=row.id,
            person_id=person.id,
            employer_id=bureau.employer.id,
            nominated_by_enterprise_id=bureau.employer.id,
            nominated_by_id=bureau.hr.id,
            statement=f"事迹{i}",
            status=NominationStatus.PROPOSED,
            screening={"level": "technician"},
        )
        session.add(nomination)
        session.flush()
        ids.append(nomination.id)
    session.commit()
    clock(date(2025, 6, 10))
    database = get_database(app)
    barrier = threading.Barrier(THREADS)
    officer_id = bureau.officer.id

    def one(i: int) -> str:
        with database.write_sessions() as own:
            barrier.wait()
            try:
                decide_nomination(own, own.get_one(User, officer_id), ids[i])
                own.commit()
                return "selected"
            except Conflict:
                own.rollback()
                return "conflict"
            except Exception as exc:  # any other error is the failure counted
                own.rollback()
                return f"error:{type(exc).__name__}:{exc}"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = Counter(pool.map(one, range(THREADS)))
    assert outcomes == {"selected": LEFT, "conflict": THREADS - LEFT}
    session.expire_all()
    assert session.get_one(SelectionRound, row.id).selected_count == 10
    selected = session.scalars(
        select(Nomination.place_no).where(Nomination.status == NominationStatus.SELECTED)
    ).all()
    assert sorted(selected) == list(range(6, 11))  # places 6–10, each once
    assert session.scalar(select(func.count()).select_from(Award)) == LEFT
