"""Two submissions of the same week at once: one journal row, one submission, no server error."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from skillbridge.models import Journal, JournalEvent, User
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.journals import entries
from skillbridge.platform.services.journals.entries import JournalText

ROUNDS = 10
TEXT = JournalText("车间轮岗", "学会了看工艺卡", "无")


def _submit_alone(sessions, user_id: int, placement_id: int, week: int) -> str:  # type: ignore[no-untyped-def]
    with sessions() as own:
        try:
            entries.save_journal(
                own,
                own.get(User, user_id),
                placement_id,
                2026,
                week,
                TEXT,
                date(2026, 5, 31),
                submit=True,
            )
            own.commit()
            return "submitted"
        except Conflict:
            own.rollback()
            return "conflict"
        except Exception as exc:  # every other outcome is a defect
            own.rollback()
            return f"error: {exc!r}"


def test_two_concurrent_submissions_of_one_week_leave_one_row(app, session, team) -> None:  # type: ignore[no-untyped-def]
    sessions = get_database(app).write_sessions  # BEGIN IMMEDIATE on SQLite
    user_id, placement_id = team.users["student"].id, team.placement.id
    figures = []
    for round_no in range(ROUNDS):
        week = 10 + round_no
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def run(barrier: threading.Barrier, outcomes: list[str], week: int) -> None:
            barrier.wait()
            outcomes.append(_submit_alone(sessions, user_id, placement_id, week))

        threads = [threading.Thread(target=run, args=(barrier, outcomes, week)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        seen = Counter(outcomes)
        figures.append(dict(seen))
        assert seen == {"submitted": 1, "conflict": 1}, figures
        session.rollback()  # a fresh snapshot: the threads committed after this session's last read
        rows = session.scalar(
            select(func.count(Journal.id)).where(
                Journal.placement_id == placement_id, Journal.iso_week == week
            )
        )
        events = session.scalar(
            select(func.count(JournalEvent.id))
            .join(Journal, Journal.id == JournalEvent.journal_id)
            .where(Journal.placement_id == placement_id, Journal.iso_week == week)
        )
        assert rows == 1 == events, figures
    print(f"\n[{app.config['DATABASE_URL'].split(':')[0]}] concurrent journal submits: {figures}")
