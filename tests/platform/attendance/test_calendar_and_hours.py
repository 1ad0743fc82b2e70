"""Day kinds from the holiday calendar (调休 included) and a day's hours with its N7 flags."""

from __future__ import annotations

from datetime import date, datetime

import chinese_calendar
import pytest

from skillbridge.platform.services.attendance.calendar import DayKind, day_kind
from skillbridge.platform.services.attendance.hours import (
    HOLIDAY,
    NIGHT,
    OVERTIME,
    REST_DAY,
    Hours,
    breaches,
    hours_between,
    night_minutes,
)


def test_a_tiaoxiu_saturday_is_a_working_day() -> None:
    saturday = date(2024, 5, 11)  # worked in exchange for the 劳动节 break
    assert saturday.weekday() == 5
    assert saturday in chinese_calendar.workdays  # the library's own data says so
    assert day_kind(saturday) == DayKind(rest_day=False, statutory_holiday=False)
    sunday = date(2025, 1, 26)  # worked before the 2025 Spring Festival
    assert sunday.weekday() == 6 and day_kind(sunday).working_day


def test_statutory_holidays_rest_days_and_in_lieu_days() -> None:
    assert day_kind(date(2024, 10, 1)) == DayKind(rest_day=True, statutory_holiday=True)
    # 2024-02-16, a Friday, was given off in exchange for a worked weekend: a rest day only.
    assert chinese_calendar.is_in_lieu(date(2024, 2, 16))
    assert day_kind(date(2024, 2, 16)) == DayKind(rest_day=True, statutory_holiday=False)
    assert day_kind(date(2026, 12, 5)) == DayKind(rest_day=True, statutory_holiday=False)
    assert day_kind(date(2026, 12, 3)).working_day


def test_a_year_without_calendar_data_falls_back_to_weekends() -> None:
    saturday, monday = date(2099, 1, 3), date(2099, 1, 5)
    assert day_kind(saturday) == DayKind(rest_day=True, statutory_holiday=False, known=False)
    assert day_kind(monday) == DayKind(rest_day=False, statutory_holiday=False, known=False)


@pytest.mark.parametrize(
    ("start", "end", "minutes", "night"),
    [
        ("2026-12-03 08:30", "2026-12-03 17:30", 540, 0),
        ("2026-12-03 05:00", "2026-12-03 09:00", 240, 60),
        ("2026-12-03 21:00", "2026-12-04 07:00", 600, 480),
        ("2026-12-03 22:00", "2026-12-03 22:01", 1, 1),
        ("2026-12-03 06:00", "2026-12-03 22:00", 960, 0),
    ],
)
def test_minutes_and_night_minutes(start: str, end: str, minutes: int, night: int) -> None:
    hours = hours_between(datetime.fromisoformat(start), datetime.fromisoformat(end))
    assert hours == Hours(minutes, night)
    assert night_minutes(datetime.fromisoformat(start), datetime.fromisoformat(end)) == night


def test_an_open_day_has_no_hours_yet() -> None:
    assert hours_between(datetime(2026, 12, 3, 8), None) == Hours(0, 0)


def test_breaches_name_each_rule() -> None:
    working = DayKind(rest_day=False, statutory_holiday=False)
    assert breaches(Hours(480, 0), working) == []
    assert breaches(Hours(481, 0), working) == [OVERTIME]
    assert breaches(Hours(60, 30), working) == [NIGHT]
    assert breaches(Hours(60, 0), DayKind(rest_day=True, statutory_holiday=False)) == [REST_DAY]
    assert breaches(Hours(60, 0), DayKind(rest_day=True, statutory_holiday=True)) == [HOLIDAY]
