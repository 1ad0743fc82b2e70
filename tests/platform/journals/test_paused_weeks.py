"""A week the placement was paused throughout takes no journal and never escalates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from skillbridge.models import JournalEscalation, JournalStatus, PlacementPause
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.journals import entries, weeks
from skillbridge.platform.services.journals.entries import JournalText
from skillbridge.platform.services.journals.escalation import escalate_overdue_journals
from skillbridge.platform.services.journals.rules import Week
from skillbridge.platform.services.journals.weeks import WeekState
from skillbridge.platform.services.reporting.student_due import student_due

TEXT = JournalText("工作", "收获", "无")
# Paused from Monday of week 11 (2026-03-09) to Wednesday of week 12 (resumed 03-18).
PAUSED, RESUMED = date(2026, 3, 9), date(2026, 3, 18)
W11, W12 = Week(2026, 11), Week(2026, 12)


@pytest.fixture
def paused(session, team):  # type: ignore[no-untyped-def]
    session.add(
        PlacementPause(
            placement_id=team.placement.id, starts_on=PAUSED, ends_on=RESUMED, reason="停工"
        )
    )
    session.flush()
    return team


def _submit(session, team, week: Week):  # type: ignore[no-untyped-def]
    return entries.save_journal(
        session,
        team.users["student"],
        team.placement.id,
        week.iso_year,
        week.iso_week,
        TEXT,
        week.sunday + timedelta(days=1),
        submit=True,
    )


def test_a_wholly_paused_week_refuses_the_submission_a_partly_paused_one_takes_it(  # type: ignore[no-untyped-def]
    session, paused
) -> None:
    with pytest.raises(Conflict) as refused:
        _submit(session, paused, W11)
    assert refused.value.message == "该周实习全部处于暂停期，无需提交周志"
    assert _submit(session, paused, W12).status == JournalStatus.SUBMITTED


def test_a_wholly_paused_week_does_not_escalate(session, paused) -> None:  # type: ignore[no-untyped-def]
    escalate_overdue_journals(session, date(2026, 4, 20))
    weeks = set(
        session.scalars(
            select(JournalEscalation.iso_week).where(
                JournalEscalation.placement_id == paused.placement.id
            )
        )
    )
    assert 10 in weeks and 12 in weeks and 11 not in weeks


def test_a_wholly_paused_week_is_shown_paused_and_is_not_on_the_students_list(  # type: ignore[no-untyped-def]
    session, paused
) -> None:
    student, today = paused.users["student"], date(2026, 3, 30)
    listing = weeks.placement_journals(session, student, paused.placement.id, today)
    states = {row.week: row.state for row in listing.weeks.items}
    assert states[W11] == WeekState.PAUSED and states[W12] == WeekState.MISSING
    # Weeks 10 and 12 are missing, 13 is due; week 11 is owed nothing; 14 is being written.
    assert student_due(session, student, today).weeks == 3
