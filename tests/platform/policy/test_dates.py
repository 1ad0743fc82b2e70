"""Exact month and 周岁 arithmetic, including month ends and 29 February."""

from datetime import date

import pytest

from skillbridge.platform.policy import completed_years, months_between


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
    ("birth", "on", "age"),
    [
        (date(1984, 9, 1), date(2024, 8, 31), 39),
        (date(1984, 9, 1), date(2024, 9, 1), 40),
        (date(1983, 9, 1), date(2024, 8, 31), 40),
        (date(1983, 9, 1), date(2024, 9, 1), 41),
        # Born on 29 February: in a common year the anniversary is 28 February (Civil Code 202).
        (date(2004, 2, 29), date(2005, 2, 27), 0),
        (date(2004, 2, 29), date(2005, 2, 28), 1),
        (date(2004, 2, 29), date(2008, 2, 28), 3),
        (date(2004, 2, 29), date(2008, 2, 29), 4),
    ],
)
def test_completed_years_counts_the_birthday_itself(birth, on, age):
    assert completed_years(birth, on) == age
