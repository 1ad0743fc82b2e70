"""Concurrent recognitions of one studio against the real database: one wins, one claim (the
conditional UPDATE gates it; PostgreSQL too)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select

from skillbridge.models import BaseStatus, SubsidyClaim, TrainingBase, User
from skillbridge.platform.db import get_database
from skillbridge.platform.services.bases import recognition, reviews
from skillbridge.platform.services.errors import Conflict

from .conftest import Scene

THREADS = 10
TODAY = date(2026, 7, 1)


def test_racing_recognitions_raise_one_claim(app, session, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    studio = scene.base()
    reviews.review_base(
        session, scene.users["officer"], studio.id, TODAY.year, {"activity": True}, ""
    )
    session.commit()
    database = get_database(app)
    barrier = threading.Barrier(THREADS)
    bureau_ids = [scene.users["officer"].id, scene.users["reviewer"].id]

    def one(i: int) -> str:
        with database.write_sessions() as own:
            barrier.wait()
            try:
                user = own.get_one(User, bureau_ids[i % 2])
                recognition.recognise_base(own, user, studio.id, TODAY)
                own.commit()
                return "recognised"
            except Conflict:
                own.rollback()
                return "conflict"
            except Exception as exc:  # any other error is the failure counted
                own.rollback()
                return f"error:{type(exc).__name__}:{exc}"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = Counter(pool.map(one, range(THREADS)))
    assert outcomes == {"recognised": 1, "conflict": THREADS - 1}
    session.expire_all()
    assert session.get_one(TrainingBase, studio.id).status == BaseStatus.RECOGNISED
    assert session.scalar(select(func.count(SubsidyClaim.id))) == 1
