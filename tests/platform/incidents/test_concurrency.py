"""Racing steps on one incident: a claim is filed once and a case closed once, on both databases."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from support import alone, race

from skillbridge.models import IncidentAction, IncidentEvent
from skillbridge.platform.db import get_database
from skillbridge.platform.services.incidents import reports, steps

from .conftest import NOW, report_input

THREADS = 12


def test_racing_claims_and_closes_each_succeed_once(app, session, site) -> None:  # type: ignore[no-untyped-def]
    incident = reports.report_incident(
        session, site.users["student"], site.placement.id, report_input(), NOW
    )
    session.commit()
    # Writing transactions, as a POST gets them (on SQLite: BEGIN IMMEDIATE).
    sessions, school_id = get_database(app).write_sessions, site.users["school"].id
    incident_id = incident.id

    def file(own, user, n):  # type: ignore[no-untyped-def]
        steps.file_claim(own, user, incident_id, f"BA-{n}", date(2026, 11, 21), NOW)

    def close(own, user):  # type: ignore[no-untyped-def]
        steps.close_incident(own, user, incident_id, "已处理", NOW)

    filed = race(
        [lambda n=n: alone(sessions, school_id, lambda o, u: file(o, u, n)) for n in range(THREADS)]
    )
    assert Counter(filed) == {"done": 1, "conflict": THREADS - 1}
    session.rollback()  # a fresh snapshot: the threads committed
    session.expire_all()
    steps.reject_claim(session, site.users["school"], incident_id, "不属于保险责任", NOW)
    session.commit()
    closed = race([lambda: alone(sessions, school_id, close) for _ in range(THREADS)])
    assert Counter(closed) == {"done": 1, "conflict": THREADS - 1}
    session.rollback()
    session.expire_all()
    rows = Counter(
        session.scalars(
            select(IncidentEvent.action).where(IncidentEvent.incident_id == incident_id)
        )
    )
    assert rows[IncidentAction.CLAIM_FILED] == 1 and rows[IncidentAction.CLOSED] == 1
    assert session.scalar(select(func.count(IncidentEvent.id))) == 4
