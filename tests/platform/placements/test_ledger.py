"""The one count of months worked (months.months_worked): real start, pauses, early end."""

from __future__ import annotations

from datetime import date

from skillbridge.platform.services.placements.months import months_worked, paused_days

START, END = date(2026, 7, 1), date(2026, 12, 31)


def test_before_the_start_the_plan_counts() -> None:
    worked = months_worked(START, END, None, END, [], date(2026, 6, 1))
    assert (worked.planned, worked.actual, worked.counted) == (6, 0, 6)


def test_a_running_placement_counts_worked_past_and_planned_rest() -> None:
    worked = months_worked(START, END, START, END, [], date(2026, 8, 15))
    assert (worked.planned, worked.actual, worked.counted) == (6, 2, 6)  # a begun month counts


def test_a_late_start_counts_from_the_first_day_worked() -> None:
    worked = months_worked(START, END, date(2026, 8, 1), END, [], date(2026, 9, 1))
    assert (worked.planned, worked.actual, worked.counted) == (6, 1, 5)


def test_pauses_are_not_worked() -> None:
    pauses = [(date(2026, 8, 1), date(2026, 9, 1))]  # 31 days, resumed on 1 September
    worked = months_worked(START, END, START, END, pauses, date(2026, 9, 1))
    assert (worked.actual, worked.counted, worked.paused_days) == (1, 5, 31)


def test_an_open_pause_runs_until_today() -> None:
    pauses = [(date(2026, 8, 1), None)]
    assert paused_days(pauses, date(2026, 8, 11)) == 10
    worked = months_worked(START, END, START, END, pauses, date(2026, 10, 1))
    assert (worked.actual, worked.counted) == (1, 4)


def test_an_early_end_counts_the_months_worked() -> None:
    early = date(2026, 9, 15)
    worked = months_worked(START, END, START, early, [], date(2026, 12, 1))
    assert (worked.planned, worked.actual, worked.counted) == (6, 3, 3)


def test_a_resumed_placement_counts_again_from_the_resumption() -> None:
    pauses = [(date(2026, 8, 1), date(2026, 8, 11)), (date(2026, 10, 1), date(2026, 10, 2))]
    worked = months_worked(START, END, START, END, pauses, date(2026, 12, 31))
    assert (worked.paused_days, worked.actual, worked.counted) == (11, 6, 6)
    assert months_worked(START, END, START, END, [], START).actual == 0  # the first day
