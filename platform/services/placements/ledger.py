"""The R1 ledger of placements: their pauses, their months worked, and booking them on the student."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import SEAT_HOLDING, Placement, PlacementPause
from skillbridge.platform.services.placements import months
from skillbridge.platform.services.placements.records import PlacementContext, school_region

Pauses = list[tuple[date, date | None]]


def pauses_of(session: Session, placement_ids: Iterable[int]) -> dict[int, Pauses]:
    """Each placement's pauses as (first day, resumption day or None), oldest first."""
    found: dict[int, Pauses] = defaultdict(list)
    ids = list(placement_ids)
    if not ids:
        return found
    # The three columns, not whole rows: every check-in and journal submission asks.
    for placement_id, starts_on, ends_on in session.execute(
        select(PlacementPause.placement_id, PlacementPause.starts_on, PlacementPause.ends_on)
        .where(PlacementPause.placement_id.in_(ids))
        .order_by(PlacementPause.starts_on, PlacementPause.id)
    ):
        found[placement_id].append((starts_on, ends_on))
    return found


def paused_on(pauses: Pauses, day: date) -> bool:
    """Whether `day` is not worked: a pause covers its first day up to the day before resumption."""
    return any(first <= day and (resumed is None or day < resumed) for first, resumed in pauses)


def wholly_paused(pauses: Pauses, first: date, last: date) -> bool:
    """Whether every day of [first, last] is paused (an empty period is not)."""
    days = (last - first).days + 1
    return days > 0 and all(paused_on(pauses, first + timedelta(days=n)) for n in range(days))


def placement_pauses(session: Session, placement_id: int) -> Pauses:
    """One placement's pauses."""
    return pauses_of(session, [placement_id])[placement_id]


def worked(placement: Placement, pauses: Pauses, today: date) -> months.MonthsWorked:
    """The placement's planned, actual and counted months on `today` (months.months_worked)."""
    return months.months_worked(
        placement.start_date,
        placement.planned_end_date or placement.end_date,
        placement.started_on,
        placement.end_date,
        pauses,
        today,
    )


def counted_until(session: Session, placement: Placement, end: date, today: date) -> int:
    """The months the cap would count of the placement if it ran to `end` (an amendment's)."""
    return months.months_worked(
        placement.start_date,
        placement.planned_end_date or end,
        placement.started_on,
        end,
        placement_pauses(session, placement.id),
        today,
    ).counted


def months_of(session: Session, placement: Placement, today: date) -> months.MonthsWorked:
    """One placement's months, its pauses loaded."""
    return worked(placement, placement_pauses(session, placement.id), today)


def rebook(session: Session, context: PlacementContext, today: date) -> months.MonthsWorked:
    """Book what the cap counts of the placement now on its student (the caller holds the lock).

    Raises Conflict (months.change_months) when the student would pass the cap.
    """
    placement = context.placement
    session.flush()
    counted = months_of(session, placement, today)
    if placement.counts_toward_cap:
        cap = months.month_cap(school_region(session, context.school))
        months.change_months(session, context.student, counted.counted - placement.months, cap)
    placement.months = counted.counted
    session.flush()
    return counted


def student_months(session: Session, student_id: int, today: date) -> months.MonthsWorked:
    """A student's post-internship months summed over its seat-holding counting placements."""
    held = list(
        session.scalars(
            select(Placement)
            .where(
                Placement.student_id == student_id,
                Placement.counts_toward_cap.is_(True),
                Placement.status.in_(SEAT_HOLDING),
            )
            .order_by(Placement.start_date, Placement.id)
        )
    )
    pauses = pauses_of(session, [placement.id for placement in held])
    each = [worked(placement, pauses[placement.id], today) for placement in held]
    return months.MonthsWorked(
        planned=sum(w.planned for w in each),
        actual=sum(w.actual for w in each),
        counted=sum(w.counted for w in each),
        paused_days=sum(w.paused_days for w in each),
    )
