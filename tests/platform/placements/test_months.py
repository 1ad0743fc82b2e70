"""The one month-counting rule of R1, checked by hand and against its definition."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from skillbridge.models import SlotKind
from skillbridge.platform.policy import months_between
from skillbridge.platform.services.placements.months import (
    add_months,
    counts_toward_cap,
    month_cap,
    placement_months,
)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 7, 1), date(2026, 1, 1), 6),  # six whole months, ends on the same day
        (date(2025, 7, 1), date(2025, 12, 31), 6),  # 5 months 30 days: the begun month counts
        (date(2025, 7, 1), date(2026, 1, 2), 7),  # one day into the seventh month
        (date(2025, 7, 1), date(2025, 7, 1), 0),  # the first day is not counted (art. 201)
        (date(2025, 7, 1), date(2025, 7, 2), 1),
        (date(2025, 1, 31), date(2025, 2, 28), 1),  # no 31 February: month end (art. 202)
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2024, 1, 31), date(2024, 3, 1), 2),
        (date(2025, 3, 15), date(2026, 3, 15), 12),
        (date(2025, 3, 15), date(2026, 3, 16), 13),
    ],
)
def test_placement_months_by_hand(start: date, end: date, months: int) -> None:
    assert placement_months(start, end) == months


def test_placement_months_is_the_smallest_period_reaching_the_end() -> None:
    rng = random.Random(20260701)
    for _ in range(3000):
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(2500))
        end = start + timedelta(days=rng.randrange(800))
        k = placement_months(start, end)
        assert add_months(start, k) >= end
        assert k == 0 or add_months(start, k - 1) < end
        assert k - 1 <= months_between(start, end) <= k


def test_add_months_agrees_with_the_policy_engine() -> None:
    for day in range(1, 32):
        start = date(2024, 1, day)
        for k in range(0, 30):
            assert months_between(start, add_months(start, k)) == k


def test_only_post_internships_count() -> None:
    assert counts_toward_cap(SlotKind.POST_INTERNSHIP)
    for kind in (SlotKind.SHADOW_INTERNSHIP, SlotKind.APPRENTICESHIP, SlotKind.ORDER_CLASS):
        assert not counts_toward_cap(kind)


def test_cap_comes_from_the_region_pack(make_region) -> None:  # type: ignore[no-untyped-def]
    for pack in ("wujiang", "dalian", "zhongkai", "zhanjiang", "inner_mongolia"):
        assert month_cap(make_region(pack=pack)) == 12
