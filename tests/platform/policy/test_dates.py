"""Exact month, year and 周岁 arithmetic, including month ends and 29 February."""

import re
from datetime import date
from pathlib import Path

import pytest

from skillbridge.platform.policy import age_in_years, completed_years, months_between


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2024, 1, 15), date(2024, 1, 15), 0),
        (date(2024, 1, 15), date(2024, 7, 14), 5),
        (date(2024, 1, 15), date(2024, 7, 15), 6),
        (date(2024, 1, 31), date(2024, 2, 28), 0),
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2023, 1, 31), date(2023, 2, 27), 0),
        (date(2023, 1, 31), date(2023, 2, 28), 1),
        (date(2023, 8, 31), date(2024, 2, 29), 6),
        (date(2023, 12, 1), date(2024, 11, 30), 11),
        (date(2023, 12, 1), date(2024, 12, 1), 12),
    ],
)
def test_months_between_counts_whole_calendar_months(start, end, months):
    assert months_between(start, end) == months


def test_months_between_rejects_reversed_dates():
    with pytest.raises(ValueError, match="end 2024-01-01 is before start 2024-01-02"):
        months_between(date(2024, 1, 2), date(2024, 1, 1))


@pytest.mark.parametrize(
    ("start", "on", "years"),
    [
        (date(2021, 6, 1), date(2024, 5, 31), 2),
        (date(2021, 6, 1), date(2024, 6, 1), 3),
        (date(2004, 2, 29), date(2005, 2, 28), 1),
    ],
)
def test_completed_years_of_a_period_count_the_anniversary(start, on, years):
    """Periods (years of service) complete on the anniversary, by Civil Code art. 202."""
    assert completed_years(start, on) == years


# Civil Code art. 201: "按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算。" and art. 202:
# "按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日。"
# The N years of an age end on the Nth birthday; the person is N周岁 from the day after it.
@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1984, 9, 1), date(1984, 9, 1), 0),  # the day of birth
        (date(1984, 9, 1), date(2024, 8, 31), 39),  # the day before the 40th birthday
        (date(1984, 9, 1), date(2024, 9, 1), 39),  # on it: the 40th year ends with this day
        (date(1984, 9, 1), date(2024, 9, 2), 40),  # the day after: 40周岁
        (date(2008, 6, 15), date(2024, 6, 14), 15),  # N1 "未满16周岁": the day before
        (date(2008, 6, 15), date(2024, 6, 15), 15),  # the 16th birthday: still under 16
        (date(2008, 6, 15), date(2024, 6, 16), 16),  # the day after: 16周岁
        (date(1983, 12, 31), date(2024, 12, 31), 40),  # the 41st birthday, year end: still 40
        (date(1983, 12, 31), date(2025, 1, 1), 41),  # the day after, in the next year
        # Born 29 February: in a leap year the birthday exists and ends the year; in a common
        # year 28 February does (art. 202, no corresponding day); the new age starts 1 March.
        (date(2004, 2, 29), date(2005, 2, 28), 0),
        (date(2004, 2, 29), date(2005, 3, 1), 1),
        (date(2008, 2, 28), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 28), 15),  # the day before the 16th birthday
        (date(2008, 2, 29), date(2024, 2, 29), 15),  # the 16th birthday (a leap year)
        (date(2008, 2, 29), date(2024, 3, 1), 16),  # the day after
        (date(2008, 2, 29), date(2025, 2, 28), 16),  # common year: the 17th year ends today
        (date(2008, 2, 29), date(2025, 3, 1), 17),
    ],
)
def test_age_is_reached_the_day_after_the_birthday(birth, on, age):
    assert age_in_years(birth, on) == age


def test_age_before_birth_is_refused():
    with pytest.raises(ValueError, match="date 2008-06-14 is before the birth date 2008-06-15"):
        age_in_years(date(2008, 6, 15), date(2008, 6, 14))


def test_no_module_counts_an_age_with_another_function():
    """One age function for the whole code base: every call that passes a birth date goes
    through age_in_years, never through the period counter completed_years."""
    root = Path(__file__).resolve().parents[3]
    offenders = []
    for folder in ("platform", "models", "matching"):
        for path in (root / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"completed_years\([^)]*birth", line):
                    offenders.append(f"{path.relative_to(root)}:{number}")
    assert offenders == []
