"""The same POST sent 20 times at once under one Idempotency-Key writes exactly one row.

On PostgreSQL the 19 retries wait on the UNIQUE (client, key) index for the first to commit,
then replay its answer; SQLite runs the writers one after another, to the same end.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from support import api_slot_body, bearer

from skillbridge.models import IdempotencyRecord, Slot

COPIES = 20


@pytest.fixture
def occupation(session, factories):  # type: ignore[no-untyped-def]
    made = factories.occupation(code="6-18-01-01", name="车工")
    session.commit()
    return made


def test_twenty_concurrent_retries_create_one_slot(app, session, issue_key, occupation) -> None:  # type: ignore[no-untyped-def]
    key = issue_key("enterprise", "slots:write")
    body = api_slot_body(occupation.id, seats=1)
    barrier = threading.Barrier(COPIES)

    def send(_n: int):  # type: ignore[no-untyped-def]
        client = app.test_client()
        barrier.wait()
        return client.post(
            "/api/v1/slots", headers=bearer(key, Idempotency_Key="one-slot"), json=body
        )

    with ThreadPoolExecutor(COPIES) as pool:
        answers = list(pool.map(send, range(COPIES)))
    assert [a.status_code for a in answers] == [201] * COPIES, [
        (a.status_code, a.get_data(as_text=True)) for a in answers if a.status_code != 201
    ]
    assert len({a.get_json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == COPIES - 1
    session.rollback()
    assert session.scalar(select(func.count(Slot.id))) == 1
    assert session.scalar(select(func.count(IdempotencyRecord.id))) == 1
