"""Turn the database into the matching engine's arrays for one run's scope (bulk queries only).

Decisions the engine's inputs force, documented here once:
- Students in scope are those of the run's cohorts (a school run) or of every school of the region
  (a bureau run) that hold no live offer or placement, so a follow-up run places only the
  still-unplaced students and keeps what was accepted.
- A slot's capacity is its seats minus the seats taken (accepted placements) minus outstanding
  offers, so a follow-up run fills only the remaining seats.
- Ages (N1) are completed years on the later of the run date and the cohort's window start: the
  earliest day the student could start. A student who turns 16 during a later window is left to
  a later run.
- The cooperation agreement (R2) must be in force on the run date and cover the student's
  specialty; the engine's agreement relation is keyed by (school, specialty).
- The placement period is exact: it ends on the day before `add_months(start, duration)`, the one
  month rule of months.py.
- N2 (interns ≤ 10% of staff) is enforced when an enterprise opens its slots, so the seats on
  offer already respect it and no group capacity is added here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import numpy as np
from scipy.sparse import csr_matrix
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from skillbridge.matching import Problem, Rules, SlotArrays, StudentArrays, build_candidates
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
    ShortageListing,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    Student,
    StudentPreference,
)
from skillbridge.models.occupation import specialty_occupation
from skillbridge.models.slot import slot_specialty
from skillbridge.platform.policy import completed_years
from skillbridge.platform.services.cooperation.agreements import active_agreement_pairs
from skillbridge.platform.services.packs import placement_rules_for
from skillbridge.platform.services.placements.months import add_months

KeyT = TypeVar("KeyT", bound=Hashable)

LIVE_STATUSES = (PlacementStatus.OFFERED, PlacementStatus.ACCEPTED, PlacementStatus.ACTIVE)


@dataclass(frozen=True)
class MatchInput:
    """A problem for the engine plus the maps back to database ids."""

    problem: Problem
    student_ids: np.ndarray
    slot_ids: np.ndarray
    slot_starts: list[date]
    slot_ends: list[date]


def _index(ids: Sequence[KeyT]) -> dict[KeyT, int]:
    return {value: position for position, value in enumerate(ids)}


def _students(session: Session, region_id: int, cohort_ids: list[int] | None) -> list[tuple]:
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


def _slots(session: Session, region_id: int) -> list[tuple]:
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
            or_(Slot.certificate_required, Occupation.requires_certificate),
            Slot.start_date,
            Slot.duration_months,
            Slot.enterprise_id,
            remaining,
        )
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .join(Occupation, Occupation.id == Slot.occupation_id)
        .outerjoin(offers, offers.c.slot_id == Slot.id)
        .where(Enterprise.region_id == region_id, Slot.status == SlotStatus.OPEN, remaining > 0)
        .order_by(Slot.id)
    )
    return list(session.execute(query).all())


def _credit_blocked(session: Session, student_ids: list[int], today: date) -> set[int]:
    rows = session.scalars(
        select(CreditRecord.student_id).where(
            CreditRecord.student_id.in_(student_ids),
            CreditRecord.revoked_at.is_(None),
            CreditRecord.starts_on <= today,
            CreditRecord.ends_on >= today,
        )
    )
    return {student_id for student_id in rows if student_id is not None}


def _sparse(
    rows: Iterable[Sequence[Any]],
    row_index: Mapping[Any, int],
    col_index: Mapping[Any, int],
    shape: tuple[int, int],
    values: bool = False,
) -> csr_matrix:
    """A sparse matrix from (row id, column id[, value]) tuples, skipping ids out of scope."""
    r: list[int] = []
    c: list[int] = []
    v: list[int] = []
    for row in rows:
        i, j = row_index.get(row[0]), col_index.get(row[1])
        if i is None or j is None:
            continue
        r.append(i)
        c.append(j)
        v.append(row[2] if values else 1)
    return csr_matrix((np.asarray(v, dtype=np.int64), (r, c)), shape=shape)


def build_match_input(
    session: Session,
    region: Region,
    today: date,
    cohort_ids: list[int] | None = None,
    max_per_student: int | None = None,
) -> MatchInput:
    """Load the scope and build the engine's problem (candidates, scores, exclusion counts)."""
    students = _students(session, region.id, cohort_ids)
    slots = _slots(session, region.id)
    student_ids = [row[0] for row in students]
    slot_ids = [row[0] for row in slots]
    s_index, t_index = _index(student_ids), _index(slot_ids)

    specialty_ids = list(session.scalars(select(Specialty.id).order_by(Specialty.id)))
    occupation_ids = list(session.scalars(select(Occupation.id).order_by(Occupation.id)))
    sp_index, oc_index = _index(specialty_ids), _index(occupation_ids)
    shape_so = (len(specialty_ids), len(occupation_ids))
    spec_occ = _sparse(session.execute(select(specialty_occupation)), sp_index, oc_index, shape_so)

    agreement_keys = sorted({(row[1], row[2]) for row in students})
    key_index = _index(agreement_keys)
    enterprise_ids = sorted({row[7] for row in slots})
    ent_index = _index(enterprise_ids)
    pairs = active_agreement_pairs(session, region.id, today)
    agreement = _sparse(
        (((school, specialty), enterprise) for school, enterprise, specialty in pairs),
        key_index,
        ent_index,
        (len(agreement_keys), len(enterprise_ids)),
    )

    certificates = _sparse(
        session.execute(
            select(Certificate.student_id, Certificate.occupation_id).where(
                Certificate.student_id.in_(student_ids)
            )
        ),
        s_index,
        oc_index,
        (len(student_ids), len(occupation_ids)),
    )
    blocked = _credit_blocked(session, student_ids, today)
    rules = placement_rules_for(session, region.id)
    engine_rules = Rules(
        month_cap=rules.post_internship_max_months.value,
        min_age=rules.post_internship_min_age.value,
    )

    starts = [row[5] for row in slots]
    ends = [add_months(row[5], row[6]) - timedelta(days=1) for row in slots]
    student_arrays = StudentArrays(
        specialty=np.array([sp_index[row[2]] for row in students], dtype=np.int64),
        level=np.array([row[3] for row in students], dtype=np.int64),
        certificates=certificates,
        age=np.array(
            [completed_years(row[4], max(today, row[6])) for row in students], dtype=np.int64
        ),
        months_used=np.array([row[5] for row in students], dtype=np.int64),
        credit_blocked=np.array([row[0] in blocked for row in students], dtype=bool),
        window_start=np.array([row[6].toordinal() for row in students], dtype=np.int64),
        window_end=np.array([row[7].toordinal() for row in students], dtype=np.int64),
        agreement_key=np.array([key_index[(row[1], row[2])] for row in students], dtype=np.int64),
    )
    slot_arrays = SlotArrays(
        occupation=np.array([oc_index[row[1]] for row in slots], dtype=np.int64),
        post=np.array([row[2] == SlotKind.POST_INTERNSHIP for row in slots], dtype=bool),
        min_level=np.array([row[3] for row in slots], dtype=np.int64),
        certificate_required=np.array([row[4] for row in slots], dtype=bool),
        start=np.array([d.toordinal() for d in starts], dtype=np.int64),
        months=np.array([row[6] for row in slots], dtype=np.int64),
        enterprise=np.array([ent_index[row[7]] for row in slots], dtype=np.int64),
        capacity=np.array([row[8] for row in slots], dtype=np.int64),
        end=np.array([d.toordinal() for d in ends], dtype=np.int64),
    )
    problem = build_candidates(
        student_arrays,
        slot_arrays,
        spec_occ,
        agreement,
        student_ranks=_sparse(
            session.execute(
                select(
                    StudentPreference.student_id, StudentPreference.slot_id, StudentPreference.rank
                )
            ),
            s_index,
            t_index,
            (len(student_ids), len(slot_ids)),
            values=True,
        ),
        enterprise_ranks=_enterprise_ranks(session, s_index, ent_index, len(student_ids)),
        screened_out=_sparse(
            session.execute(
                select(EnterpriseRanking.student_id, EnterpriseRanking.slot_id).where(
                    EnterpriseRanking.screened_out.is_(True)
                )
            ),
            s_index,
            t_index,
            (len(student_ids), len(slot_ids)),
        ),
        accepted_specialties=_sparse(
            session.execute(select(slot_specialty)),
            t_index,
            sp_index,
            (len(slot_ids), len(specialty_ids)),
        ),
        shortage=_shortage(session, region.id, today.year, oc_index),
        rules=engine_rules,
        max_per_student=max_per_student,
    )
    return MatchInput(
        problem=problem,
        student_ids=np.asarray(student_ids, dtype=np.int64),
        slot_ids=np.asarray(slot_ids, dtype=np.int64),
        slot_starts=starts,
        slot_ends=ends,
    )


def _enterprise_ranks(
    session: Session, s_index: Mapping[int, int], ent_index: Mapping[int, int], n_students: int
) -> csr_matrix:
    """An enterprise's rank of a student: its best rank of the student over its slots."""
    rows = session.execute(
        select(Slot.enterprise_id, EnterpriseRanking.student_id, func.min(EnterpriseRanking.rank))
        .join(Slot, Slot.id == EnterpriseRanking.slot_id)
        .where(EnterpriseRanking.rank.is_not(None))
        .group_by(Slot.enterprise_id, EnterpriseRanking.student_id)
    )
    return _sparse(rows, ent_index, s_index, (len(ent_index), n_students), values=True)


def _shortage(session: Session, region_id: int, year: int, oc_index: dict[int, int]) -> np.ndarray:
    flags = np.zeros(len(oc_index), dtype=bool)
    listed = session.scalars(
        select(ShortageListing.occupation_id).where(
            ShortageListing.region_id == region_id, ShortageListing.year == year
        )
    )
    for occupation_id in listed:
        flags[oc_index[occupation_id]] = True
    return flags
