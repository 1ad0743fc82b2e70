"""A placement's weeks and months as their journals stand: what is due, late, missing, returned
or confirmed, and which months are ready for the teacher's countersignature."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AWAITING_REVIEW,
    Journal,
    JournalCountersignature,
    JournalStatus,
    Placement,
    PlacementStatus,
    User,
)
from skillbridge.platform.services.paging import Page, page_of
from skillbridge.platform.services.placements.ledger import Pauses, placement_pauses
from skillbridge.platform.services.placements.records import PlacementContext, load_placement
from skillbridge.platform.services.policies import can_countersign_journals, can_write_journal
from skillbridge.platform.text import N_

from .rules import Week, placement_weeks, week_paused

# Placements whose journals are still read and countersigned (writing needs an active one).
JOURNAL_PLACEMENTS = (PlacementStatus.ACTIVE, PlacementStatus.ENDED)


class WeekState(enum.StrEnum):
    """Where one week of a placement stands."""

    OPEN = "open"  # the current week: being written
    DUE = "due"  # over, within its deadline, not yet submitted
    MISSING = "missing"  # past its deadline, not submitted
    SUBMITTED = "submitted"  # waiting for the mentor
    RETURNED = "returned"
    CONFIRMED = "confirmed"
    PAUSED = "paused"  # the placement was paused the whole week: no journal is owed


WEEK_STATE_LABELS = {
    WeekState.OPEN: N_("本周填写中"),
    WeekState.DUE: N_("待提交"),
    WeekState.MISSING: N_("缺交"),
    WeekState.SUBMITTED: N_("待导师审阅"),
    WeekState.RETURNED: N_("被退回"),
    WeekState.CONFIRMED: N_("已确认"),
    WeekState.PAUSED: N_("实习暂停，无需填写"),
}
#: The states that wait for the student.
STUDENT_TODO = (WeekState.DUE, WeekState.MISSING, WeekState.RETURNED)


def week_state(
    week: Week, status: JournalStatus | None, today: date, paused: bool = False
) -> WeekState:
    """The state of `week` whose journal has `status` (None: no journal yet)."""
    status = status or JournalStatus.DRAFT
    if status in AWAITING_REVIEW:
        return WeekState.SUBMITTED
    if status == JournalStatus.RETURNED:
        return WeekState.RETURNED
    if status == JournalStatus.CONFIRMED:
        return WeekState.CONFIRMED
    if paused:
        return WeekState.PAUSED
    if today <= week.sunday:
        return WeekState.OPEN
    return WeekState.DUE if today <= week.deadline else WeekState.MISSING


@dataclass(frozen=True)
class WeekRow:
    week: Week
    state: WeekState
    journal: Journal | None

    @property
    def late(self) -> bool:
        return self.journal is not None and self.journal.late


@dataclass(frozen=True)
class MonthRow:
    """One month of a placement: its weeks inside the placement, how many are confirmed, and the
    countersignature if given."""

    placement_id: int
    year: int
    month: int
    weeks: int
    confirmed: int
    countersignature: JournalCountersignature | None

    @property
    def ready(self) -> bool:
        return self.countersignature is None and self.confirmed == self.weeks


def journals_by_week(
    session: Session, placement_ids: Iterable[int]
) -> dict[int, dict[Week, Journal]]:
    """The journals of each placement by week."""
    by_placement: dict[int, dict[Week, Journal]] = defaultdict(dict)
    ids = list(placement_ids)
    if ids:
        for journal in session.scalars(select(Journal).where(Journal.placement_id.in_(ids))):
            by_placement[journal.placement_id][Week(journal.iso_year, journal.iso_week)] = journal
    return by_placement


def countersignatures(
    session: Session, placement_ids: Iterable[int]
) -> dict[tuple[int, int, int], JournalCountersignature]:
    """The countersignatures of the placements by (placement, year, month)."""
    ids = list(placement_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(JournalCountersignature).where(JournalCountersignature.placement_id.in_(ids))
    )
    return {(r.placement_id, r.year, r.month): r for r in rows}


def week_rows(
    placement: Placement, journals: dict[Week, Journal], pauses: Pauses, today: date
) -> list[WeekRow]:
    """The placement's weeks up to the current one, newest first."""
    start, end = placement.start_date, placement.end_date
    return [
        WeekRow(
            w,
            week_state(w, _status(journals.get(w)), today, week_paused(pauses, w, start, end)),
            journals.get(w),
        )
        for w in placement_weeks(start, end, today)
    ][::-1]


def _status(journal: Journal | None) -> JournalStatus | None:
    return journal.status if journal is not None else None


def weeks_waiting(
    placement: Placement, statuses: Mapping[Week, JournalStatus], pauses: Pauses, today: date
) -> int:
    """How many of the placement's weeks up to today wait for the student (due, missing or
    returned), its journals' statuses by week given."""
    start, end = placement.start_date, placement.end_date
    return sum(
        1
        for w in placement_weeks(start, end, today)
        if week_state(w, statuses.get(w), today, week_paused(pauses, w, start, end)) in STUDENT_TODO
    )


def month_rows(
    placement: Placement,
    journals: dict[Week, Journal],
    signatures: dict[tuple[int, int, int], JournalCountersignature],
    today: date,
) -> list[MonthRow]:
    """The placement's months that have begun, oldest first; a month counts every week of the
    placement in it, so the current month is ready only once its last week is confirmed."""
    weeks_by_month: dict[tuple[int, int], list[Week]] = defaultdict(list)
    for week in placement_weeks(placement.start_date, placement.end_date):
        weeks_by_month[week.month].append(week)
    rows = []
    for (year, month), weeks in sorted(weeks_by_month.items()):
        if weeks[0].monday > today:
            break
        confirmed = sum(
            1 for w in weeks if w in journals and journals[w].status == JournalStatus.CONFIRMED
        )
        signature = signatures.get((placement.id, year, month))
        rows.append(MonthRow(placement.id, year, month, len(weeks), confirmed, signature))
    return rows


@dataclass(frozen=True)
class PlacementJournals:
    """A placement's journals page for one actor."""

    context: PlacementContext
    weeks: Page[WeekRow]
    months: list[MonthRow]
    can_write: bool
    can_countersign: bool
    #: Near-copy flags are for the reviewers and the organisations, never for the writer.
    shows_flags: bool


def placement_journals(
    session: Session, actor: User, placement_id: int, today: date, page: int = 1
) -> PlacementJournals:
    """The weeks (paginated, newest first) and months of a placement the actor may see."""
    context = load_placement(session, actor, placement_id)
    placement = context.placement
    journals = journals_by_week(session, [placement.id])[placement.id]
    months = month_rows(placement, journals, countersignatures(session, [placement.id]), today)
    return PlacementJournals(
        context,
        page_of(
            week_rows(placement, journals, placement_pauses(session, placement.id), today), page
        ),
        months,
        can_write_journal(actor, placement) and placement.status == PlacementStatus.ACTIVE,
        can_countersign_journals(actor, placement),
        not can_write_journal(actor, placement),
    )


def students_placement_id(session: Session, actor: User) -> int | None:
    """The student's placement whose journals it writes now (the latest active one)."""
    return session.scalar(
        select(Placement.id)
        .where(
            Placement.student_id == actor.student_id,
            Placement.status == PlacementStatus.ACTIVE,
        )
        .order_by(Placement.start_date.desc(), Placement.id.desc())
        .limit(1)
    )


def ready_months(session: Session, actor: User, today: date) -> list[MonthRow]:
    """The months of the teacher's placements whose weeks are all confirmed and not yet
    countersigned, oldest first."""
    placements = list(
        session.scalars(
            select(Placement)
            .where(
                Placement.teacher_user_id == actor.id,
                Placement.status.in_(JOURNAL_PLACEMENTS),
            )
            .order_by(Placement.id)
        )
    )
    ids = [p.id for p in placements]
    journals, signatures = journals_by_week(session, ids), countersignatures(session, ids)
    ready = [
        row
        for placement in placements
        for row in month_rows(placement, journals[placement.id], signatures, today)
        if row.ready
    ]
    return sorted(ready, key=lambda r: (r.year, r.month, r.placement_id))
