"""Exact calendar arithmetic for ages (周岁) and periods counted in months or years."""

from __future__ import annotations

import calendar
from datetime import date

__all__ = ["completed_years", "months_between"]


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


def completed_years(birth: date, on: date) -> int:
    """Return the completed years (周岁) from ``birth`` to ``on``.

    The anniversary counts on its day, by the same rule as :func:`months_between`; someone born
    on 29 February therefore completes a year on 28 February of a common year.

    Raises
    ------
    ValueError
        If ``on`` is before ``birth``.
    """
    return months_between(birth, on) // 12
