"""A day's hours: minutes worked, minutes at night, and the N7 breaches they show.

The figures are the national working-time rules N7 points to ("实习单位应当遵守国家关于工作时间
和休息休假的规定"): the 8-hour day of 《劳动法》第三十六条 and 国务院令第174号 第三条, and the
night of 22:00–06:00 as 劳办发〔1994〕289号 explains 夜班劳动 (《劳动法》第六十三条). A day's
minutes run from check-in to check-out, breaks included: the flag asks the bureau to look, and
the evidence shows the times it was raised on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from skillbridge.models import AttendanceDay
from skillbridge.platform.text import N_

from .calendar import DayKind

#: The longest working day, in minutes (8 hours).
DAILY_MINUTES_MAX = 8 * 60
DAILY_LIMIT_CITATION = "《劳动法》第三十六条；《国务院关于职工工作时间的规定》第三条"
#: The night: from 22:00 to 06:00 the next morning.
NIGHT_START, NIGHT_END = time(22, 0), time(6, 0)
NIGHT_CITATION = "劳办发〔1994〕289号 第六十三条说明：夜班劳动指当日22点至次日6点"

# Why a day breaks N7, as the evidence and the pages name it.
OVERTIME = "overtime"
REST_DAY = "rest_day"
NIGHT = "night"
HOLIDAY = "statutory_holiday"
BREACH_LABELS = {
    OVERTIME: N_("超过每日工作时长"),
    REST_DAY: N_("休息日工作"),
    NIGHT: N_("夜班"),
    HOLIDAY: N_("法定节假日工作"),
}


@dataclass(frozen=True)
class Hours:
    """What a check-in and check-out add up to."""

    minutes: int
    night_minutes: int


def _overlap(start: datetime, end: datetime, low: datetime, high: datetime) -> int:
    seconds = (min(end, high) - max(start, low)).total_seconds()
    return max(int(seconds // 60), 0)


def night_minutes(start: datetime, end: datetime) -> int:
    """Minutes of [start, end) that fall in a night, whatever midnights it crosses."""
    total = 0
    night = datetime.combine(start.date() - timedelta(days=1), NIGHT_START)
    while night < end:
        morning = datetime.combine(night.date() + timedelta(days=1), NIGHT_END)
        total += _overlap(start, end, night, morning)
        night += timedelta(days=1)
    return total


def hours_between(start: datetime, end: datetime | None) -> Hours:
    """The day's minutes and night minutes; nothing yet while the student has not checked out."""
    if end is None:
        return Hours(0, 0)
    return Hours(int((end - start).total_seconds() // 60), night_minutes(start, end))


def breaches(hours: Hours, kind: DayKind) -> list[str]:
    """The N7 breaches of a day the student worked (a check-in counts as work)."""
    found = []
    if hours.minutes > DAILY_MINUTES_MAX:
        found.append(OVERTIME)
    if kind.rest_day and not kind.statutory_holiday:
        found.append(REST_DAY)
    if hours.night_minutes > 0:
        found.append(NIGHT)
    if kind.statutory_holiday:
        found.append(HOLIDAY)
    return found


def day_breaches(day: AttendanceDay) -> list[str]:
    """The N7 breaches of a recorded day."""
    kind = DayKind(rest_day=day.rest_day, statutory_holiday=day.statutory_holiday)
    return breaches(Hours(day.minutes, day.night_minutes), kind)
