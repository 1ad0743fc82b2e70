"""The bureau's supervision view: journals, reviews, incidents, hours and evaluations, counted
with grouped SQL per school and per enterprise of its region.

Definitions (one place):
- A journal is submitted once it has a first submission; it is reviewed when its mentor
  confirmed or returned it; a review is overdue when a journal has waited for its mentor longer
  than supervision.toml's `review_overdue_days` since its (re)submission.
- The weeks due of a running or ended placement are its weeks whose deadline has passed
  (services/journals/rules.py). Placements share their dates by cohort, so the weeks are counted
  once per distinct (start, end) pair the grouped query returns, never per placement.
- Evaluations due are the mentor's and the teacher's mid-term and final evaluations of every
  ended placement; done are those written.
- Hours violations are the unfiled N7-breaching days recorded so far and the open N7 findings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from skillbridge.models import (
    AWAITING_REVIEW,
    AttendanceDay,
    ComplianceFinding,
    Enterprise,
    Evaluation,
    Journal,
    Placement,
    PlacementStatus,
    School,
    Slot,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.services.evaluations.scores import EVALUATED
from skillbridge.platform.services.incidents.counts import IncidentCounts, incident_counts
from skillbridge.platform.services.journals.rules import placement_weeks
from skillbridge.platform.services.oversight.checks.working_time import BREACHING, FILED
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.reporting.dashboard import readable_region, region_placements
from skillbridge.platform.services.reporting.supervision_terms import (
    DUE_EVALUATORS,
    EVALUATIONS_PER_PLACEMENT,
    REVIEWED,
    review_cutoff,
)

N7 = "N7"


@dataclass(frozen=True)
class JournalFigures:
    """Journal counts of one school or enterprise (or the region)."""

    weeks_due: int = 0
    submitted: int = 0
    reviewed: int = 0
    awaiting: int = 0
    overdue: int = 0

    @property
    def submission_rate(self) -> int | None:
        """Submitted journals per week due, in percent (capped at 100: early weeks count)."""
        return min(100, round(100 * self.submitted / self.weeks_due)) if self.weeks_due else None

    @property
    def review_rate(self) -> int | None:
        """Reviewed journals per submitted one, in percent."""
        return round(100 * self.reviewed / self.submitted) if self.submitted else None


@dataclass(frozen=True)
class SupervisionRow:
    """One school or enterprise of the region with its figures."""

    id: int
    name: str
    journals: JournalFigures
    breaching_days: int
    evaluations_done: int
    evaluations_due: int


@dataclass(frozen=True)
class SchoolSums:
    """A region's journal, hours and evaluation figures: the sums of its schools' rows."""

    journals: JournalFigures
    breaching_days: int
    evaluations_done: int
    evaluations_due: int

    def __add__(self, other: SchoolSums) -> SchoolSums:
        """Two regions' sums together (a province's over its cities)."""
        return SchoolSums(
            JournalFigures(
                *(
                    getattr(self.journals, name) + getattr(other.journals, name)
                    for name in JOURNAL_FIELDS
                )
            ),
            self.breaching_days + other.breaching_days,
            self.evaluations_done + other.evaluations_done,
            self.evaluations_due + other.evaluations_due,
        )


NO_SUMS = SchoolSums(JournalFigures(), 0, 0, 0)


@dataclass(frozen=True)
class Supervision:
    """The region's totals and one page of each table."""

    totals: JournalFigures
    incidents: IncidentCounts
    breaching_days: int
    open_n7_findings: int
    evaluations_done: int
    evaluations_due: int
    counted_at: datetime
    schools: Page[SupervisionRow]
    enterprises: Page[SupervisionRow]


JOURNAL_FIELDS = tuple(JournalFigures.__dataclass_fields__)


@functools.cache
def _weeks_due(start: date, end: date, today: date) -> int:
    return sum(1 for week in placement_weeks(start, end, today) if week.deadline < today)


def _placements(key: InstrumentedAttribute[int], region_id: int) -> Select:
    """The region's placements keyed by school (Student.school_id) or host (Slot.enterprise_id)."""
    return region_placements(region_id, key)


def _grouped(session: Session, statement: Select, key: InstrumentedAttribute[int]) -> list[Any]:
    return list(session.execute(statement.group_by(key)))


def _journal_figures(
    session: Session,
    region_id: int,
    key: InstrumentedAttribute[int],
    today: date,
) -> dict[int, JournalFigures]:
    """Journal figures per key."""
    cutoff = review_cutoff(today)
    awaiting = Journal.status.in_(AWAITING_REVIEW)
    counts = _grouped(
        session,
        _placements(key, region_id)
        .add_columns(
            func.count(Journal.id),
            func.count(Journal.id).filter(Journal.status.in_(REVIEWED)),
            func.count(Journal.id).filter(awaiting),
            func.count(Journal.id).filter(awaiting, Journal.submitted_at < cutoff),
        )
        .join(Journal, Journal.placement_id == Placement.id)
        .where(Journal.first_submitted_at.is_not(None)),
        key,
    )
    dates = _grouped(
        session,
        _placements(key, region_id)
        .add_columns(Placement.start_date, Placement.end_date, func.count(Placement.id))
        .where(Placement.status.in_(EVALUATED))
        .group_by(Placement.start_date, Placement.end_date),
        key,
    )
    due: dict[int, int] = {}
    for owner, start, end, count in dates:
        due[owner] = due.get(owner, 0) + count * _weeks_due(start, end, today)
    figures = {
        owner: JournalFigures(due.get(owner, 0), submitted, reviewed, waiting, overdue)
        for owner, submitted, reviewed, waiting, overdue in counts
    }
    for owner, weeks in due.items():
        figures.setdefault(owner, JournalFigures(weeks_due=weeks))
    return figures


def _breaching_days(
    session: Session,
    region_id: int,
    key: InstrumentedAttribute[int],
    today: date,
) -> dict[int, int]:
    return dict(
        _grouped(
            session,
            _placements(key, region_id)
            .add_columns(func.count(AttendanceDay.id))
            .join(AttendanceDay, AttendanceDay.placement_id == Placement.id)
            .where(BREACHING, ~FILED, AttendanceDay.day <= today),
            key,
        )
    )


def _evaluations(
    session: Session, region_id: int, key: InstrumentedAttribute[int]
) -> dict[int, tuple[int, int]]:
    """(done, due) per key over the ended placements."""
    ended = Placement.status == PlacementStatus.ENDED
    placements = _grouped(
        session,
        _placements(key, region_id).add_columns(func.count(Placement.id)).where(ended),
        key,
    )
    done = dict(
        _grouped(
            session,
            _placements(key, region_id)
            .add_columns(func.count(Evaluation.id))
            .join(Evaluation, Evaluation.placement_id == Placement.id)
            .where(ended, Evaluation.evaluator.in_(DUE_EVALUATORS)),
            key,
        )
    )
    return {owner: (done.get(owner, 0), n * EVALUATIONS_PER_PLACEMENT) for owner, n in placements}


@dataclass(frozen=True)
class GroupedFigures:
    """The grouped figures of schools or enterprises, by id."""

    journals: dict[int, JournalFigures]
    breaches: dict[int, int]
    evaluations: dict[int, tuple[int, int]]

    @classmethod
    def of(
        cls, session: Session, region_id: int, today: date, key: InstrumentedAttribute[int]
    ) -> GroupedFigures:
        """Every school's (key Student.school_id) or host's (Slot.enterprise_id) figures."""
        return cls(
            _journal_figures(session, region_id, key, today),
            _breaching_days(session, region_id, key, today),
            _evaluations(session, region_id, key),
        )

    def row(self, owner: int, name: str) -> SupervisionRow:
        """`owner`'s row; one without records yet (registered since the count) has zeros."""
        return SupervisionRow(
            owner,
            name,
            self.journals.get(owner, JournalFigures()),
            self.breaches.get(owner, 0),
            *self.evaluations.get(owner, (0, 0)),
        )

    def to_json(self) -> dict[str, Any]:
        """The figures as JSON (ids become strings), for SupervisionSnapshot."""
        return {
            "journals": {
                str(owner): [getattr(f, name) for name in JOURNAL_FIELDS]
                for owner, f in self.journals.items()
            },
            "breaches": {str(owner): n for owner, n in self.breaches.items()},
            "evaluations": {str(owner): list(pair) for owner, pair in self.evaluations.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroupedFigures:
        """The inverse of `to_json`."""
        return cls(
            {int(owner): JournalFigures(*values) for owner, values in data["journals"].items()},
            {int(owner): n for owner, n in data["breaches"].items()},
            {int(owner): (done, due) for owner, (done, due) in data["evaluations"].items()},
        )


@dataclass(frozen=True)
class Counted:
    """The region's grouped figures by school and by host, and when they were counted."""

    schools: GroupedFigures
    enterprises: GroupedFigures
    at: datetime


def school_sums(counted: Counted) -> SchoolSums:
    """The region's figures from its counted rows, with no query of their own.

    Every school's row is one school's (of the region or, for a host in it, of another): the
    region's figures are their sums.
    """
    schools = counted.schools
    return SchoolSums(
        JournalFigures(
            *(sum(getattr(f, name) for f in schools.journals.values()) for name in JOURNAL_FIELDS)
        ),
        sum(schools.breaches.values()),
        sum(done for done, _due in schools.evaluations.values()),
        sum(due for _done, due in schools.evaluations.values()),
    )


def count(session: Session, region_id: int, today: date, now: datetime) -> Counted:
    """Count the region's figures for `today` (seconds on a city's region: see the snapshot)."""
    return Counted(
        GroupedFigures.of(session, region_id, today, Student.school_id),
        GroupedFigures.of(session, region_id, today, Slot.enterprise_id),
        now,
    )


def _table(
    session: Session, statement: Select, figures: GroupedFigures, page: int
) -> Page[SupervisionRow]:
    """One page of schools or enterprises (by name) with their figures."""
    cut: Page[Any] = paginate(session, statement, page, lambda row: (row[0], row[1]))
    return cut.with_items([figures.row(owner, name) for owner, name in cut.items])


def supervision(
    session: Session,
    actor: User,
    today: date,
    school_page: int = 1,
    enterprise_page: int = 1,
    counted: Counted | None = None,
    region_id: int | None = None,
) -> Supervision:
    """The bureau's supervision figures of its region, or of `region_id` read from above
    (PermissionDenied or NotFound for anyone else).

    The grouped figures are `counted` (the region's snapshot) or, without it, counted now;
    incidents and N7 findings are always read now (few rows, and a safety matter).
    """
    region_id = readable_region(session, actor, region_id)
    if counted is None:
        counted = count(session, region_id, today, utcnow())
    sums = school_sums(counted)
    return Supervision(
        totals=sums.journals,
        incidents=incident_counts(session, region_id),
        breaching_days=sums.breaching_days,
        open_n7_findings=session.scalar(
            select(func.count(ComplianceFinding.id)).where(
                ComplianceFinding.region_id == region_id,
                ComplianceFinding.rule_id == N7,
                ComplianceFinding.resolved_at.is_(None),
            )
        )
        or 0,
        evaluations_done=sums.evaluations_done,
        evaluations_due=sums.evaluations_due,
        counted_at=counted.at,
        schools=_table(
            session,
            select(School.id, School.name)
            .where(School.region_id == region_id)
            .order_by(School.name, School.id),
            counted.schools,
            school_page,
        ),
        enterprises=_table(
            session,
            select(Enterprise.id, Enterprise.name)
            .where(Enterprise.region_id == region_id)
            .order_by(Enterprise.name, Enterprise.id),
            counted.enterprises,
            enterprise_page,
        ),
    )
