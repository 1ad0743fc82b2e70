"""Exact calendar arithmetic for ages (周岁) and periods counted in months or years."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = ["age_in_years", "completed_years", "months_between"]


def months_between(start: date, end: date) -> int:
    """Return the number of whole calendar months from ``start`` to ``end``.

    A month is complete on the day of the next month that corresponds to ``start``'s day; when
    that month has no such day (start on the 29th–31st), its last day corresponds instead. This
    is the rule of the Civil Code art. 202 (到期月的对应日为期间的最后一日；没有对应日的，月末日
    为期间的最后一日), so ``months_between(date(2024, 1, 15), date(2024, 7, 15)) == 6`` and
    ``months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1``.

    Raises
    ------
    ValueError
        If ``end`` is before ``start``.
    """
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    months = (end.year - start.year) * 12 + (end.month - start.month)
    last_day = calendar.monthrange(end.year, end.month)[1]
    if end.day < min(start.day, last_day):
        months -= 1
    return months


def completed_years(start: date, on: date) -> int:
    """Return the whole years of a period that runs from ``start`` to ``on`` (not an age).

    The anniversary counts on its day, by the same rule as :func:`months_between`. This counts
    periods such as years of service; an age (周岁) is :func:`age_in_years`, which differs by a day.

    Raises
    ------
    ValueError
        If ``on`` is before ``start``.
    """
    return months_between(start, on) // 12


def age_in_years(birth: date, on: date) -> int:
    """Return the age in 周岁 of someone born on ``birth``, on the day ``on``.

    Civil Code art. 201 (按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算): the
    period of N years starts the day after the birth and ends on the Nth birthday (art. 202: the
    corresponding day, or the month's last day when there is none), so the person is N周岁 from
    the day *after* that birthday. On the 16th birthday a person is 15周岁; on the day after, 16.
    Someone born on 29 February completes each year on 28 February of a common year (or 29
    February of a leap year) and is the new age from 1 March. This is the only age function of the
    code base: every age check and every age shown goes through it.

    Raises
    ------
    ValueError
        If ``on`` is before ``birth``.
    """
    if on < birth:
        raise ValueError(f"date {on.isoformat()} is before the birth date {birth.isoformat()}")
    if on == birth:
        return 0
    return months_between(birth, on - timedelta(days=1)) // 12
