"""The post-internship month cap (R1): the one month-counting rule and the booking of months.

The rule. A placement runs from `start_date` to `end_date`. Following the Civil Code
(art. 201: the first day is not counted; art. 202: a period in months ends on the corresponding
day of the last month, or that month's last day when it has none), a period of k months starting
on `start_date` ends on ``add_months(start_date, k)``. A placement consumes the smallest k whose
period reaches its end date: whole calendar months, with a begun month counted as a whole one.
Rounding up never lets a student work past the cap, which exists to protect the student.
Integers only, no day fractions: 2025-07-01 → 2026-01-01 is 6 months, 2025-07-01 → 2025-12-31 is
6 months too (5 months and 30 days), 2025-01-31 → 2025-02-28 is 1 month.

Only post internships (顶岗实习 / 岗位实习, `SlotKind.POST_INTERNSHIP`) count, across every
placement and enterprise. The cap itself is the region's policy-pack figure
`post_internship_max_months`. Months are booked on `Student.months_used` by a conditional UPDATE
after the student row is locked: the cap is an aggregate over several placements (write skew), so
locking the placement rows alone would not protect it, and the CHECK `months_used <= month_cap`
refuses whatever slips past Python.

Months worked (issue 14). Once a placement has started, what counts is the time actually worked:
from `started_on` (the first day worked) to its end (the planned end while it runs, the early end
or termination date once it ended), minus the paused days. The same rule counts them: the worked
period is the started period shortened by the paused days, and a begun month counts as a whole one
— for the same reason as above, so that rounding can never let a student work past the cap. Up to
today that gives the months actually worked; up to the planned end it gives what the cap counts
for a running placement (actual past + planned future), the figure an extension is checked against.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from skillbridge.models import Region, SlotKind, Student
from skillbridge.platform.policy import months_between
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.packs import placement_rules
from skillbridge.platform.text import N_, Np_


def add_months(start: date, months: int) -> date:
    """The day a period of `months` months beginning on `start` ends (Civil Code art. 202)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def placement_months(start: date, end: date) -> int:
    """Months a placement from `start` to `end` consumes: whole months, a begun month counted."""
    whole = months_between(start, end)
    return whole + 1 if add_months(start, whole) < end else whole


def worked_months(started: date, until: date, paused_days: int) -> int:
    """Months worked from `started` to `until` with `paused_days` not worked (R1, see above)."""
    worked_end = until - timedelta(days=paused_days)
    return placement_months(started, worked_end) if worked_end > started else 0


def paused_days(pauses: list[tuple[date, date | None]], until: date) -> int:
    """Days paused before `until`: each pause runs from its first day to its resumption day."""
    total = 0
    for first, resumed in pauses:
        last = until if resumed is None else min(resumed, until)
        total += max((last - first).days, 0)
    return total


@dataclass(frozen=True)
class MonthsWorked:
    """A placement's months: planned, actually worked so far, and counted by the cap (R1)."""

    planned: int
    actual: int
    counted: int
    paused_days: int


def months_worked(
    start: date,
    planned_end: date,
    started: date | None,
    end: date,
    pauses: list[tuple[date, date | None]],
    today: date,
) -> MonthsWorked:
    """The one count of a placement's months: planned before it starts, worked once it has.

    `start`..`planned_end` is the plan; `started` the first day worked (None before the start);
    `end` its end date (the planned end while it runs, the actual end once it ended).
    """
    planned = placement_months(start, planned_end)
    if started is None:
        return MonthsWorked(planned, 0, planned, 0)
    so_far = min(today, end)
    return MonthsWorked(
        planned=planned,
        actual=worked_months(started, so_far, paused_days(pauses, so_far)),
        counted=worked_months(started, end, paused_days(pauses, min(today, end))),
        paused_days=paused_days(pauses, so_far),
    )


def counts_toward_cap(kind: SlotKind) -> bool:
    """Only post internships count toward the cap (R1)."""
    return kind == SlotKind.POST_INTERNSHIP


def month_cap(region: Region) -> int:
    """The region's cap on a student's post-internship months, from its policy pack."""
    return placement_rules(region).post_internship_max_months.value


def months_left(student: Student) -> int:
    """Months the student may still spend on post internships."""
    return max(student.month_cap - student.months_used, 0)


def fits_under_cap(student: Student, months: int, cap: int) -> bool:
    """Whether `months` more post-internship months keep the student within `cap` (candidates)."""
    return student.months_used + months <= cap


def lock_student(session: Session, student_id: int) -> Student:
    """Lock the student row (FOR UPDATE; SQLite's BEGIN IMMEDIATE already serialises writers).

    Every service that changes a placement of this student calls this first, so the changes of
    one student queue in one order and the months are computed from committed data.
    """
    return session.execute(
        select(Student)
        .where(Student.id == student_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def change_months(session: Session, student: Student, delta: int, cap: int) -> None:
    """Book `delta` more months on a locked student (negative gives months back).

    Booking also records the region's current cap on the row, so the CHECK constraint holds the
    student to the pack's figure. Raises Conflict when the cap would be exceeded.
    """
    if delta == 0:
        return
    statement = update(Student).where(Student.id == student.id)
    if delta > 0:
        statement = statement.where(Student.months_used + delta <= cap).values(
            months_used=Student.months_used + delta, month_cap=cap
        )
    else:
        statement = statement.where(Student.months_used + delta >= 0).values(
            months_used=Student.months_used + delta
        )
    result = cast(
        CursorResult[Any], session.execute(statement.execution_options(synchronize_session=False))
    )
    session.expire(student, ["months_used", "month_cap"])
    if result.rowcount != 1:
        raise Conflict(
            N_("超出顶岗实习累计月数上限（R1）"),
            details=[
                Np_(
                    "已用 %(used)d 个月，上限 %(cap)d 个月，本次需要 %(n)d 个月",
                    "已用 %(used)d 个月，上限 %(cap)d 个月，本次需要 %(n)d 个月",
                    delta,
                    used=student.months_used,
                    cap=cap,
                ),
            ],
        )
