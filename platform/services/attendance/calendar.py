"""What kind of day a date is in China: a working day, a rest day, a statutory holiday.

From the `chinesecalendar` library, which follows the State Council's yearly holiday notice,
including the 调休 swaps: a weekend made a working day is a working day, and the weekdays given
off in exchange (its "in lieu" days) are rest days, not statutory holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar  # untyped: see [tool.mypy.overrides]

# Saturday and Sunday, as date.weekday() numbers them: the rest days where the calendar has no data.
_WEEKEND = (5, 6)


@dataclass(frozen=True)
class DayKind:
    """A date's flags; `known` is False for a year the library has no data for."""

    rest_day: bool
    statutory_holiday: bool
    known: bool = True

    @property
    def working_day(self) -> bool:
        return not self.rest_day


def day_kind(day: date) -> DayKind:
    """The flags of `day`: a statutory holiday is a rest day too."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        in_lieu = chinese_calendar.is_in_lieu(day)
    except NotImplementedError:  # a year the State Council has not announced yet
        return DayKind(rest_day=day.weekday() in _WEEKEND, statutory_holiday=False, known=False)
    return DayKind(
        rest_day=on_holiday,
        statutory_holiday=on_holiday and name is not None and not in_lieu,
    )


CHINA = ZoneInfo("Asia/Shanghai")


def china_now() -> datetime:
    """The wall-clock time in China, without a zone (how attendance times are stored)."""
    return datetime.now(CHINA).replace(tzinfo=None)
