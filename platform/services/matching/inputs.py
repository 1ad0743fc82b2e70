"""Turn the database into the matching engine's arrays for one run's scope (bulk queries only).

Decisions the engine's inputs force, documented here once:
- Students in scope are those of the run's cohorts (a school run) or of every school of the region
  (a bureau run) that hold no live offer or placement, so a follow-up run places only the
  still-unplaced students and keeps what was accepted.
- A slot's capacity is its seats minus the seats taken (accepted placements) minus outstanding
  offers, so a follow-up run fills only the remaining seats.
- Ages (N1) are 周岁 (`age_in_years`, Civil Code art. 201) on the later of the run date and the cohort's window start: the
  earliest day the student could start. A student who turns 16 during a later window is left to
  a later run.
- The cooperation agreement (R2) must be in force on the run date and cover the student's
  specialty; the engine's agreement relation is keyed by (school, specialty).
- The placement period is exact: it ends on the day before `add_months(start, duration)`, the one
  month rule of months.py.
- N2 (interns ≤ 10% of staff) is enforced when an enterprise opens its slots, so the seats on
  offer already respect it and no group capacity is added here.
- The shortage priority of a slot reads the shortage list of the year the slot starts (lists
  are yearly, reference_data.yearly): next year's list scores next year's placements only.
- The host-quality part is opt-in (supervision.toml `[matching] host_quality_weight`, 0 = off):
  when on, each slot carries its host's risk (1 − the quality index / 100, 0 for a host with too
  few placements to rank) and the score loses weight × risk; when off, the score is unchanged.

Reading (`read_inputs`, the queries) and building (`build_match_input`, the arrays) are separate
steps so that a run can report the time of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sqlalchemy import Row, Select, and_, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from skillbridge.matching import (
    Problem,
    Rules,
    ScoreWeights,
    SlotArrays,
    StudentArrays,
    build_candidates,
)
from skillbridge.models import (
    Certificate,
    Cohort,
    CreditRecord,
    Enterprise,
    EnterpriseRanking,
    Occupation,
    Placement,
    PlacementStatus,
    Region,
    School,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    Student,
    StudentPreference,
)
from skillbridge.models.occupation import specialty_occupation
from skillbridge.models.slot import slot_specialty
from skillbridge.platform.policy import RuleFigure, age_in_years
from skillbridge.platform.policy.supervision import quality_settings
from skillbridge.platform.services.cooperation.agreements import active_agreement_pairs
from skillbridge.platform.services.oversight.host_quality import host_risks
from skillbridge.platform.services.packs import placement_rules_for
from skillbridge.platform.services.placements.months import add_months
from skillbridge.platform.services.reference_data import yearly

LIVE_STATUSES = (PlacementStatus.OFFERED, PlacementStatus.ACCEPTED, PlacementStatus.ACTIVE)


@dataclass(frozen=True)
class MatchInput:
    """A problem for the engine plus the maps back to database ids."""

    problem: Problem
    student_ids: np.ndarray
    slot_ids: np.ndarray
    slot_starts: list[date]
    slot_ends: list[date]


@dataclass(frozen=True)
class InputRows:
    """What one run reads from the database, before any array is built.

    The relation tables (`*_pairs`) are int64 arrays of (row id, column id[, value]) rows;
    `students` and `slots` are rows with named columns.
    """

    today: date
    students: Sequence[Row]
    slots: Sequence[Row]
    specialty_ids: np.ndarray
    occupation_ids: np.ndarray
    specialty_occupations: np.ndarray
    agreements: set[tuple[int, int, int]]
    certificates: np.ndarray
    credit_blocked: set[int]
    month_cap: int
    min_age: int
    #: N1's figure, whose slot kinds say which slots the minimum age limits.
    age_limit: RuleFigure
    student_ranks: np.ndarray
    enterprise_ranks: np.ndarray
    screened_out: np.ndarray
    accepted_specialties: np.ndarray
    #: (occupation id, year) of the region's shortage listings of the years the slots start.
    shortage_listings: set[tuple[int, int]]
    #: The optional host-quality part (supervision.toml): its weight, 0 = off, and each
    #: ranked host's risk by enterprise id (read only when the part is on).
    host_quality_weight: float = 0.0
    host_risks: dict[int, float] = field(default_factory=dict)


def _students(session: Session, region_id: int, cohort_ids: list[int] | None) -> list[Row]:
    live = exists().where(
        and_(Placement.student_id == Student.id, Placement.status.in_(LIVE_STATUSES))
    )
    query = (
        select(
            Student.id,
            Student.school_id,
            Cohort.specialty_id,
            Student.skill_level,
            Student.birth_date,
            Student.months_used,
            Cohort.window_start,
            Cohort.window_end,
        )
        .join(Cohort, Cohort.id == Student.cohort_id)
        .join(School, School.id == Student.school_id)
        .where(School.region_id == region_id, ~live)
        .order_by(Student.id)
    )
    if cohort_ids is not None:
        query = query.where(Student.cohort_id.in_(cohort_ids))
    return list(session.execute(query).all())


def _slots(session: Session, region_id: int) -> list[Row]:
    offers = (
        select(Placement.slot_id, func.count().label("offers"))
        .where(Placement.status == PlacementStatus.OFFERED)
        .group_by(Placement.slot_id)
        .subquery()
    )
    remaining = Slot.seats - Slot.seats_taken - func.coalesce(offers.c.offers, 0)
    query = (
        select(
            Slot.id,
            Slot.occupation_id,
            Slot.kind,
            Slot.min_level,
            # R7 as eligibility.explain_for reads it: the slot asks for a certificate, or its
            # occupation is one of employment access (就业准入) that always needs one.
            or_(Slot.certificate_required, Occupation.requires_certificate).label(
                "certificate_required"
            ),
            Slot.start_date,
            Slot.duration_months,
            Slot.enterprise_id,
            remaining.label("remaining"),
        )
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .join(Occupation, Occupation.id == Slot.occupation_id)
        .outerjoin(offers, offers.c.slot_id == Slot.id)
        .where(Enterprise.region_id == region_id, Slot.status == SlotStatus.OPEN, remaining > 0)
        .order_by(Slot.id)
    )
    return list(session.execute(query).all())


def _table(session: Session, query: Select, width: int) -> np.ndarray:
    """The rows of a query of `width` integer columns, as an (n, width) int64 array.

    Straight from the driver's cursor: a relation of half a million rows converts in a tenth of
    the time that building SQLAlchemy rows takes. The queries passed here select integer columns
    with integer parameters only, which need none of SQLAlchemy's type processing.
    """
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def _ids(session: Session, column: InstrumentedAttribute[int]) -> np.ndarray:
    return np.fromiter(session.scalars(select(column).order_by(column)), dtype=np.int64)


def read_inputs(
    session: Session, region: Region, today: date, cohort_ids: list[int] | None = None
) -> InputRows:
    """Run every query of the scope: the students, the slots and the relations between them.

    Relations are read for the whole region (joined to it, never through a list of thousands
    of ids); the build step keeps the rows of the run's students and slots.
    """
    students = _students(session, region.id, cohort_ids)
    rules = placement_rules_for(session, region.id)
    of_region_students = (School.id == Student.school_id) & (School.region_id == region.id)
    region_slots = (
        select(Slot.id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(Enterprise.region_id == region.id)
    )
    weight = quality_settings().matching_weight
    slots = _slots(session, region.id)
    return InputRows(
        today=today,
        students=students,
        slots=slots,
        specialty_ids=_ids(session, Specialty.id),
        occupation_ids=_ids(session, Occupation.id),
        specialty_occupations=_table(
            session,
            select(specialty_occupation.c.specialty_id, specialty_occupation.c.occupation_id),
            2,
        ),
        agreements=active_agreement_pairs(session, region.id, today),
        certificates=_table(
            session,
            select(Student.id, Certificate.occupation_id)
            .join(Student, Student.person_id == Certificate.person_id)
            .join(School, of_region_students),
            2,
        ),
        credit_blocked=set(
            session.scalars(
                select(CreditRecord.student_id)
                .join(Student, Student.id == CreditRecord.student_id)
                .join(School, of_region_students)
                .where(
                    CreditRecord.revoked_at.is_(None),
                    CreditRecord.starts_on <= today,
                    CreditRecord.ends_on >= today,
                )
            )
        ),
        month_cap=rules.post_internship_max_months.value,
        min_age=rules.post_internship_min_age.value,
        age_limit=rules.post_internship_min_age,
        student_ranks=_table(
            session,
            select(
                StudentPreference.student_id, StudentPreference.slot_id, StudentPreference.rank
            ).where(StudentPreference.slot_id.in_(region_slots)),
            3,
        ),
        # An enterprise's rank of a student: its best rank of the student over its slots.
        enterprise_ranks=_table(
            session,
            select(
                Slot.enterprise_id, EnterpriseRanking.student_id, func.min(EnterpriseRanking.rank)
            )
            .join(Slot, Slot.id == EnterpriseRanking.slot_id)
            .join(Enterprise, Enterprise.id == Slot.enterprise_id)
            .where(Enterprise.region_id == region.id, EnterpriseRanking.rank.is_not(None))
            .group_by(Slot.enterprise_id, EnterpriseRanking.student_id),
            3,
        ),
        screened_out=_table(
            session,
            select(EnterpriseRanking.student_id, EnterpriseRanking.slot_id).where(
                EnterpriseRanking.screened_out.is_(True),
                EnterpriseRanking.slot_id.in_(region_slots),
            ),
            2,
        ),
        accepted_specialties=_table(
            session,
            select(slot_specialty.c.slot_id, slot_specialty.c.specialty_id).where(
                slot_specialty.c.slot_id.in_(region_slots)
            ),
            2,
        ),
        shortage_listings=yearly.shortage_pairs(
            session, region.id, {row.start_date.year for row in slots}
        ),
        host_quality_weight=weight,
        host_risks=host_risks(session, region.id, today) if weight > 0 else {},
    )


def _lookup(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in the ascending, distinct `ids`; -1 where it is not there."""
    if ids.size == 0:
        return np.full(values.shape, -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(ids, values), ids.size - 1)
    return np.where(ids[at] == values, at, -1)


def _sparse(
    table: np.ndarray, row_ids: np.ndarray, col_ids: np.ndarray, with_values: bool = False
) -> csr_matrix:
    """A sparse matrix from (row id, column id[, value]) rows, skipping ids out of scope."""
    rows, cols = _lookup(row_ids, table[:, 0]), _lookup(col_ids, table[:, 1])
    keep = (rows >= 0) & (cols >= 0)
    values = table[keep, 2] if with_values else np.ones(int(keep.sum()), dtype=np.int64)
    return csr_matrix(
        (values, (rows[keep], cols[keep])), shape=(row_ids.size, col_ids.size), dtype=np.int64
    )


def _ages(births: list[date], on: list[date]) -> np.ndarray:
    """Completed years of each birth date on its day; a region has few distinct such pairs."""
    pairs = list(zip(births, on, strict=True))
    years = {pair: age_in_years(*pair) for pair in set(pairs)}
    return np.array([years[pair] for pair in pairs], dtype=np.int64)


def build_match_input(rows: InputRows, max_per_student: int | None = None) -> MatchInput:
    """Build the engine's problem (candidates, scores, exclusion counts) from the rows read."""
    students, slots, today = rows.students, rows.slots, rows.today
    student_ids = np.array([row.id for row in students], dtype=np.int64)
    slot_ids = np.array([row.id for row in slots], dtype=np.int64)
    specialty_of = _lookup(rows.specialty_ids, np.array([r.specialty_id for r in students]))
    occupation_of = _lookup(rows.occupation_ids, np.array([r.occupation_id for r in slots]))

    keys = sorted({(row.school_id, row.specialty_id) for row in students})
    key_index = {key: position for position, key in enumerate(keys)}
    enterprise_ids = np.array(sorted({row.enterprise_id for row in slots}), dtype=np.int64)
    in_scope = [
        (key_index[(school, specialty)], enterprise)
        for school, enterprise, specialty in rows.agreements
        if (school, specialty) in key_index
    ]
    agreement = _sparse(
        np.array(in_scope, dtype=np.int64).reshape(-1, 2),
        np.arange(len(keys), dtype=np.int64),
        enterprise_ids,
    )

    starts = [row.start_date for row in slots]
    ends = [add_months(row.start_date, row.duration_months) - timedelta(days=1) for row in slots]
    window_starts = [row.window_start for row in students]
    student_arrays = StudentArrays(
        specialty=specialty_of,
        level=np.array([row.skill_level for row in students], dtype=np.int64),
        certificates=_sparse(rows.certificates, student_ids, rows.occupation_ids),
        age=_ages([row.birth_date for row in students], [max(today, d) for d in window_starts]),
        months_used=np.array([row.months_used for row in students], dtype=np.int64),
        credit_blocked=np.array([row.id in rows.credit_blocked for row in students], dtype=bool),
        window_start=np.array([d.toordinal() for d in window_starts], dtype=np.int64),
        window_end=np.array([row.window_end.toordinal() for row in students], dtype=np.int64),
        agreement_key=np.array(
            [key_index[(row.school_id, row.specialty_id)] for row in students], dtype=np.int64
        ),
    )
    slot_arrays = SlotArrays(
        occupation=occupation_of,
        post=np.array([row.kind == SlotKind.POST_INTERNSHIP for row in slots], dtype=bool),
        age_limited=np.array([rows.age_limit.limits(row.kind) for row in slots], dtype=bool),
        min_level=np.array([row.min_level for row in slots], dtype=np.int64),
        certificate_required=np.array([row.certificate_required for row in slots], dtype=bool),
        start=np.array([d.toordinal() for d in starts], dtype=np.int64),
        months=np.array([row.duration_months for row in slots], dtype=np.int64),
        enterprise=_lookup(enterprise_ids, np.array([row.enterprise_id for row in slots])),
        capacity=np.array([row.remaining for row in slots], dtype=np.int64),
        end=np.array([d.toordinal() for d in ends], dtype=np.int64),
        host_risk=np.array([rows.host_risks.get(row.enterprise_id, 0.0) for row in slots]),
        # A placement starting in year Y is scored by year Y's list.
        shortage=np.array(
            [(row.occupation_id, row.start_date.year) in rows.shortage_listings for row in slots],
            dtype=bool,
        ),
    )
    problem = build_candidates(
        student_arrays,
        slot_arrays,
        _sparse(rows.specialty_occupations, rows.specialty_ids, rows.occupation_ids),
        agreement,
        student_ranks=_sparse(rows.student_ranks, student_ids, slot_ids, with_values=True),
        enterprise_ranks=_sparse(
            rows.enterprise_ranks, enterprise_ids, student_ids, with_values=True
        ),
        screened_out=_sparse(rows.screened_out, student_ids, slot_ids),
        accepted_specialties=_sparse(rows.accepted_specialties, slot_ids, rows.specialty_ids),
        rules=Rules(month_cap=rows.month_cap, min_age=rows.min_age),
        weights=ScoreWeights(host_quality=rows.host_quality_weight),
        max_per_student=max_per_student,
    )
    return MatchInput(
        problem=problem,
        student_ids=student_ids,
        slot_ids=slot_ids,
        slot_starts=starts,
        slot_ends=ends,
    )
