"""N2 under concurrency: slots opened at once never exceed the enterprise's intern quota."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from skillbridge.models import Slot, SlotStatus, User
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.slots import postings as slots

TODAY = date(2025, 6, 1)
ROUNDS = 5
THREADS = 8


def _race(database, user_id: int, slot_ids: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    """Open every slot at once, one thread and one session each; return each outcome."""
    barrier, outcomes = threading.Barrier(len(slot_ids)), []

    def attempt(slot_id: int) -> None:
        with database.write_sessions() as own:
            actor = own.get(User, user_id)
            own.commit()  # no thread may hold SQLite's write lock while waiting at the barrier
            barrier.wait()
            try:
                slots.open_slot(own, actor, slot_id, TODAY)
                own.commit()
                outcomes.append("opened")
            except Conflict:
                own.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in slot_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_openings_stay_within_n2(app, session, world, draft):
    # 200 staff allow 20 post-internship seats; eight 4-seat drafts race, so exactly 5 may open.
    user_id, database = world.users["enterprise"].id, get_database(app)
    for round_no in range(ROUNDS):
        start = date(2026 + round_no, 1, 1)  # each round's period overlaps only itself
        ids = [draft(seats=4, start_date=start).id for _ in range(THREADS)]
        outcomes = _race(database, user_id, ids)
        opened_rows = session.scalar(
            select(func.count(Slot.id))
            .where(Slot.id.in_(ids))
            .where(Slot.status == SlotStatus.OPEN)
        )
        session.commit()
        assert sorted(outcomes) == ["opened"] * 5 + ["refused"] * 3, round_no
        assert opened_rows == 5, round_no
