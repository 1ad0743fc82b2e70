"""A paused placement takes no check-in on a paused day, and its paused days are no absences."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from skillbridge.models import PlacementPause
from skillbridge.platform.services.attendance import days, leave
from skillbridge.platform.services.errors import Conflict

# Paused Monday 2024-05-13 to Wednesday 05-15; worked again from Thursday 05-16.
PAUSED, RESUMED = date(2024, 5, 13), date(2024, 5, 16)


@pytest.fixture
def paused(session, internship):  # type: ignore[no-untyped-def]
    session.add(
        PlacementPause(
            placement_id=internship.placement.id, starts_on=PAUSED, ends_on=RESUMED, reason="停工"
        )
    )
    session.flush()
    return internship


def test_a_paused_day_refuses_the_check_in_and_the_resumption_day_takes_it(session, paused) -> None:  # type: ignore[no-untyped-def]
    placement_id = paused.placement.id
    with pytest.raises(Conflict) as refused:
        days.check_in(session, paused.student, placement_id, datetime(2024, 5, 15, 8))
    assert refused.value.message == "实习暂停中，暂停期间不能签到"
    day = days.check_in(session, paused.student, placement_id, datetime(2024, 5, 16, 8))
    assert day.day == RESUMED


def test_an_open_pause_refuses_every_day_from_its_start(session, internship) -> None:  # type: ignore[no-untyped-def]
    placement_id = internship.placement.id
    session.add(PlacementPause(placement_id=placement_id, starts_on=PAUSED, reason="停工"))
    session.flush()
    days.check_in(session, internship.student, placement_id, datetime(2024, 5, 10, 8))
    with pytest.raises(Conflict):
        days.check_in(session, internship.student, placement_id, datetime(2024, 6, 3, 8))


def test_paused_days_are_not_absences(session, paused) -> None:  # type: ignore[no-untyped-def]
    presence = leave.presence(
        session, paused.placement, date(2024, 5, 13), date(2024, 5, 17), date(2024, 5, 18)
    )
    assert presence.absences == [date(2024, 5, 16), date(2024, 5, 17)]
